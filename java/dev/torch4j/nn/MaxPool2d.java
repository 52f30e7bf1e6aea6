package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/** Max pooling, as PyTorch's {@code nn.MaxPool2d}; the stride defaults to the kernel size. */
public final class MaxPool2d extends Layer {
    private final long[] kernel, stride, padding, dilation;
    private final boolean ceilMode;

    private MaxPool2d(long kernel, long stride, long padding, long dilation, boolean ceilMode) {
        if (kernel <= 0 || stride <= 0 || padding < 0 || dilation <= 0) {
            throw new IllegalArgumentException("MaxPool2d needs kernel, stride, dilation > 0 and padding >= 0, got kernel=" + kernel
                    + " stride=" + stride + " padding=" + padding + " dilation=" + dilation);
        }
        if (padding * 2 > kernel) throw new IllegalArgumentException("MaxPool2d padding " + padding + " must be at most half the kernel " + kernel);
        this.kernel = new long[] {kernel, kernel};
        this.stride = new long[] {stride, stride};
        this.padding = new long[] {padding, padding};
        this.dilation = new long[] {dilation, dilation};
        this.ceilMode = ceilMode;
    }

    public static MaxPool2d of(long kernel) {
        return new MaxPool2d(kernel, kernel, 0, 1, false);
    }

    public static MaxPool2d of(long kernel, long stride) {
        return new MaxPool2d(kernel, stride, 0, 1, false);
    }

    public static MaxPool2d of(long kernel, long stride, long padding, long dilation, boolean ceilMode) {
        return new MaxPool2d(kernel, stride, padding, dilation, ceilMode);
    }

    @Override public Tensor forward(Tensor x) {
        Pools.check(x, kernel, padding);
        return F.maxPool2d(x, kernel, stride, padding, dilation, ceilMode);
    }

    @Override protected String extraRepr() {
        return "kernel_size=" + kernel[0] + ", stride=" + stride[0] + ", padding=" + padding[0] + ", dilation=" + dilation[0]
                + ", ceil_mode=" + (ceilMode ? "True" : "False");
    }
}
