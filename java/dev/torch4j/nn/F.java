package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;

/** Functional forms of the layers, as PyTorch's {@code torch.nn.functional}. */
public final class F {
    private F() {}

    private static org.bytedeco.pytorch.Tensor h(Tensor t) {
        return t.handle();
    }

    private static TensorOptional opt(Tensor t) {
        return t == null ? new TensorOptional() : new TensorOptional(t.handle());
    }

    private static Tensor run(java.util.function.Supplier<org.bytedeco.pytorch.Tensor> f) {
        return Tensor.call(f);
    }

    /**
     * 2-d convolution with numeric padding (top/bottom, left/right). On the CPU in float32 a 1x1 output runs as one
     * matrix product, and in training a strided convolution's input gradient comes from the shim (both equal to
     * libtorch's to float rounding; {@code -Dtorch4j.denseOneByOne=false}, {@code -Dtorch4j.nativeConvGrad=false}).
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long[] stride, long[] padding, long[] dilation, long groups) {
        Tensor y = ConvolutionForms.conv2d(x, weight, bias, stride, padding, dilation, groups); // CPU float32 special cases
        if (y != null) return y;
        return run(() -> torch.conv2d(h(x), h(weight), opt(bias), stride, padding, dilation, groups));
    }

    /** Bilinear resize of [N, C, H, W] to [N, C, outH, outW] (align_corners=False, as F.interpolate). */
    public static Tensor resizeBilinear(Tensor x, long outH, long outW) {
        return run(() -> torch.upsample_bilinear2d(h(x), new long[] {outH, outW}, false));
    }

    /** Bicubic resize of [N, C, H, W] to [N, C, outH, outW] (align_corners=False, as F.interpolate). */
    public static Tensor resizeBicubic(Tensor x, long outH, long outW) {
        return run(() -> torch.upsample_bicubic2d(h(x), new long[] {outH, outW}, false));
    }

    /** 2-d convolution with padding {@code "same"} or {@code "valid"}. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long[] stride, String padding, long[] dilation, long groups) {
        return run(() -> torch.conv2d(h(x), h(weight), opt(bias), stride, padding, dilation, groups));
    }

    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return run(() -> torch.linear(h(x), h(weight), opt(bias)));
    }

    /**
     * Max pooling; stride defaults to the kernel (pass it explicitly: the presets' default is garbage). Contiguous float
     * input on the CPU is pooled by the shim (same values, indices and gradient as libtorch's kernel, several times
     * faster; {@code -Dtorch4j.nativeMaxPool=false} turns it off).
     */
    public static Tensor maxPool2d(Tensor x, long[] kernel, long[] stride, long[] padding, long[] dilation, boolean ceilMode) {
        Tensor pooled = NativeMaxPool.pool(x, kernel, stride, padding, dilation, ceilMode); // contiguous CPU floats
        if (pooled != null) return pooled;
        return run(() -> torch.max_pool2d(h(x), kernel, stride, padding, dilation, ceilMode));
    }

    public static Tensor maxPool2d(Tensor x, int kernel) {
        long[] k = {kernel, kernel};
        return maxPool2d(x, k, k, new long[] {0, 0}, new long[] {1, 1}, false);
    }

    /**
     * Average pooling. Contiguous float input on the CPU whose every window divides by the kernel size is pooled as a
     * depthwise convolution (values equal to float rounding, same gradient; {@code -Dtorch4j.avgPoolByConvolution=false}
     * turns it off).
     */
    public static Tensor avgPool2d(Tensor x, long[] kernel, long[] stride, long[] padding, boolean ceilMode, boolean countIncludePad) {
        Tensor pooled = AvgPoolByConvolution.pool(x, kernel, stride, padding, ceilMode, countIncludePad); // contiguous CPU floats
        if (pooled != null) return pooled;
        return run(() -> torch.avg_pool2d(h(x), kernel, stride, padding, ceilMode, countIncludePad, new LongOptional()));
    }

    public static Tensor avgPool2d(Tensor x, int kernel) {
        long[] k = {kernel, kernel};
        return avgPool2d(x, k, k, new long[] {0, 0}, false, true);
    }

    public static Tensor adaptiveAvgPool2d(Tensor x, long outH, long outW) {
        return run(() -> torch.adaptive_avg_pool2d(h(x), outH, outW));
    }

    /** Batch normalisation; running statistics may be null (then batch statistics are always used). */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return run(() -> torch.batch_norm(h(x), opt(weight), opt(bias), opt(runningMean), opt(runningVar),
                training, momentum, eps, true));
    }

    public static Tensor dropout(Tensor x, double p, boolean training) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        if (!training || p == 0) return x;
        if (p == 1) return x.mul(0);
        if (NATIVE_DROPOUT && x.handle().is_cpu() && x.dtype() == dev.torch4j.tensor.DType.FLOAT32) {
            // the shim's counter-based mask (cpp/src/random.cpp): ~6x faster than libtorch's serial bernoulli_ on s0-catdog's dropout.
            // Its seed is one draw from this thread's Generator, so restoring a generator's state replays the masks.
            Tensor mask = Tensor.empty(dev.torch4j.tensor.DType.FLOAT32, x.shape());
            long seed = Tensor.randint(Long.MAX_VALUE, 1).itemLong();
            if (dev.torch4j.shim.Shim.dropoutMask(mask.handle().data_ptr(), mask.numel(), 1 - p, seed, torch.get_num_threads())) {
                return x.mul(mask);
            }
        }
        return libtorchDropout(x, p);
    }

    /** {@code -Dtorch4j.nativeDropout=false}: dropout masks from libtorch's bernoulli_, the numbers torch.dropout draws. */
    private static final boolean NATIVE_DROPOUT = !"false".equalsIgnoreCase(System.getProperty("torch4j.nativeDropout"));

    /** libtorch's own CPU dropout, written out so that the mask comes from this thread's Generator. */
    static Tensor libtorchDropout(Tensor x, double p) {
        Tensor noise = run(() -> torch.empty_like(h(x))).bernoulli_(1 - p);
        return x.mul(noise.div(1 - p));
    }

    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    public static Tensor leakyRelu(Tensor x, double negativeSlope) {
        return run(() -> torch.leaky_relu(h(x), new Scalar(negativeSlope)));
    }

    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return x.logSoftmax(dim);
    }

    public static Tensor flatten(Tensor x, int startDim, int endDim) {
        return x.flatten(startDim, endDim);
    }

    /** Mean cross-entropy of logits [N, C] against class indices [N] (int64). */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return run(() -> torch.cross_entropy_loss(h(logits), h(target)));
    }

    /** Mean binary cross-entropy of logits against targets in [0, 1] (same shape). */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target) {
        return run(() -> torch.binary_cross_entropy_with_logits(h(logits), h(target)));
    }

    static String shape(Tensor x) {
        return Arrays.toString(x.shape());
    }
}
