package dev.torch4j.nn;

import dev.torch4j.shim.Shim;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.global.torch;

/**
 * Max pooling of contiguous (NCHW) float tensors on the CPU through the shim. libtorch 2.10's kernel for that layout
 * is ~10x slower than its channels-last one (100x16x24x24, kernel 2: 3.5 ms against 0.37 ms; docs/benchmarks.md); the
 * shim applies the same rule (first maximum wins, NaN propagates) and returns the indices, and a {@code gather} of the
 * input at those indices gives the output its gradient: the same gradient as libtorch's max-pool backward, which also
 * adds each output's gradient into its chosen input.
 * System property {@value #PROPERTY}{@code =false} turns it off (libtorch's kernel everywhere).
 */
final class NativeMaxPool {
    static final String PROPERTY = "torch4j.nativeMaxPool";
    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty(PROPERTY));

    private NativeMaxPool() {}

    /** The pooled tensor, or null where this path does not apply (then libtorch pools, and reports bad arguments). */
    static Tensor pool(Tensor x, long[] kernel, long[] stride, long[] padding, long[] dilation, boolean ceilMode) {
        if (!ENABLED || kernel.length != 2 || stride.length != 2 || padding.length != 2 || dilation.length != 2) return null;
        org.bytedeco.pytorch.Tensor t = x.handle();
        if (t.dim() != 4 || !t.is_cpu() || x.dtype() != DType.FLOAT32 || !t.is_contiguous()) return null;
        long n = t.size(0), c = t.size(1), h = t.size(2), w = t.size(3);
        if (stride[0] <= 0 || stride[1] <= 0 || n * c == 0) return null; // the shim checks the rest of the geometry
        long oh = outputSize(h, kernel[0], stride[0], padding[0], dilation[0], ceilMode);
        long ow = outputSize(w, kernel[1], stride[1], padding[1], dilation[1], ceilMode);
        long[] geometry = {kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1], oh, ow};
        if (oh <= 0 || ow <= 0 || !Shim.available()) return null;
        boolean graph = GradMode.is_enabled() && t.requires_grad();
        try (Tensor indices = Tensor.empty(DType.INT64, n, c, oh, ow)) {
            org.bytedeco.pytorch.Tensor idx = indices.handle();
            if (graph) {
                // only the indices: the gather gives the values, and the gradient with them
                if (!Shim.maxPool2d(t.data_ptr(), n * c, h, w, geometry, null, idx.data_ptr(), torch.get_num_threads())) return null;
                return Tensor.call(() -> t.flatten(2, 3).gather(2, idx.view(n, c, oh * ow)).view(n, c, oh, ow));
            }
            Tensor y = Tensor.empty(DType.FLOAT32, n, c, oh, ow);
            if (Shim.maxPool2d(t.data_ptr(), n * c, h, w, geometry, y.handle().data_ptr(), idx.data_ptr(), torch.get_num_threads())) return y;
            y.close(); // refused: libtorch pools
            return null;
        }
    }

    /** PyTorch's pooling output size: floor (or ceil) division, and in ceil mode the last window starts inside. */
    static long outputSize(long in, long k, long s, long p, long d, boolean ceilMode) {
        long out = Math.floorDiv(in + 2 * p - d * (k - 1) - 1 + (ceilMode ? s - 1 : 0), s) + 1;
        if (ceilMode && (out - 1) * s >= in + p) out--;
        return out;
    }
}
