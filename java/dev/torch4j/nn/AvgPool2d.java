package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/** Average pooling, as PyTorch's {@code nn.AvgPool2d}; the stride defaults to the kernel size. */
public final class AvgPool2d extends Layer {
    private final long[] kernel, stride, padding;
    private final boolean ceilMode, countIncludePad;

    private AvgPool2d(long kernel, long stride, long padding, boolean ceilMode, boolean countIncludePad) {
        if (kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("AvgPool2d needs kernel, stride > 0 and padding >= 0, got kernel=" + kernel + " stride=" + stride + " padding=" + padding);
        }
        if (padding * 2 > kernel) throw new IllegalArgumentException("AvgPool2d padding " + padding + " must be at most half the kernel " + kernel);
        this.kernel = new long[] {kernel, kernel};
        this.stride = new long[] {stride, stride};
        this.padding = new long[] {padding, padding};
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
    }

    public static AvgPool2d of(long kernel) {
        return new AvgPool2d(kernel, kernel, 0, false, true);
    }

    public static AvgPool2d of(long kernel, long stride) {
        return new AvgPool2d(kernel, stride, 0, false, true);
    }

    public static AvgPool2d of(long kernel, long stride, long padding, boolean ceilMode, boolean countIncludePad) {
        return new AvgPool2d(kernel, stride, padding, ceilMode, countIncludePad);
    }

    @Override public Tensor forward(Tensor x) {
        Pools.check(x, kernel, padding);
        return F.avgPool2d(x, kernel, stride, padding, ceilMode, countIncludePad);
    }

    @Override protected String extraRepr() {
        return "kernel_size=" + kernel[0] + ", stride=" + stride[0] + ", padding=" + padding[0];
    }
}
