package dev.torch4j.nn;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Average pooling of contiguous (NCHW) float tensors on the CPU as a depthwise convolution with weights 1 / (kh * kw):
 * libtorch 2.10's pooling kernel for that layout takes 2-3x as long (forward + backward, 100x16x28x28, kernel 2: 5.4 ms
 * against 1.9 ms; docs/benchmarks.md). It is the same average wherever every window divides by kh * kw: no padding,
 * or padding counted in the divisor, and no ceil-mode window past the input. The values differ from libtorch's
 * kernel by float rounding only (it sums in double; here the products by a power of two are summed in float: at most
 * 2.4e-7 apart on N(0, 1) inputs); the gradient is the same, each output's gradient divided by kh * kw.
 * System property {@value #PROPERTY}{@code =false} turns it off.
 */
final class AvgPoolByConvolution {
    static final String PROPERTY = "torch4j.avgPoolByConvolution";
    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty(PROPERTY));

    private AvgPoolByConvolution() {}

    /** The pooled tensor, or null where this path does not apply (then libtorch pools, and reports bad arguments). */
    static Tensor pool(Tensor x, long[] kernel, long[] stride, long[] padding, boolean ceilMode, boolean countIncludePad) {
        if (!ENABLED || kernel.length != 2 || stride.length != 2 || padding.length != 2) return null;
        org.bytedeco.pytorch.Tensor t = x.handle();
        if (t.dim() != 4 || !t.is_cpu() || !t.is_contiguous() || (x.dtype() != DType.FLOAT32 && x.dtype() != DType.FLOAT64)) return null;
        long c = t.size(1);
        long[] in = {t.size(2), t.size(3)};
        for (int i = 0; i < 2; i++) {
            if (kernel[i] <= 0 || stride[i] <= 0 || padding[i] < 0 || 2 * padding[i] > kernel[i]) return null;
            if (padding[i] > 0 && !countIncludePad) return null;
            long out = NativeMaxPool.outputSize(in[i], kernel[i], stride[i], padding[i], 1, ceilMode);
            if (out <= 0) return null;
            if ((out - 1) * stride[i] - padding[i] + kernel[i] > in[i] + padding[i]) return null; // a window cut short
        }
        if (t.size(0) == 0 || c == 0) return null;
        return Tensor.call(() -> {
            org.bytedeco.pytorch.Tensor w = torch.full(new long[] {c, 1, kernel[0], kernel[1]},
                    new Scalar(1.0 / (kernel[0] * kernel[1])), new org.bytedeco.pytorch.TensorOptions(t.scalar_type()));
            return torch.conv2d(t, w, new TensorOptional(), stride, padding, new long[] {1, 1}, c);
        });
    }
}
