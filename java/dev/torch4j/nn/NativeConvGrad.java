package dev.torch4j.nn;

import dev.torch4j.shim.Shim;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.BoolPointer;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.T_TensorTensorTensor_T;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A strided convolution whose input gradient the shim computes. libtorch 2.10's oneDNN takes its brgemm "strided"
 * backward-data kernel for stride-2 convolutions, which on small planes and channel counts spends most of its time in
 * bookkeeping: 2-4x PyTorch 1.13's time on the s0-cnn layers (docs/benchmarks.md, "The input's gradient of the
 * stride-2 convolutions, in the shim"). The forward and the weight and bias gradients stay libtorch's.
 *
 * <p>The convolution's own backward node is hooked ({@link HookedBackward}): its post-hook returns the input's
 * gradient from the shim and the weight's and bias's from libtorch's convolution backward (without the input).
 *
 * <p>Used in training for CPU float32 contiguous inputs that need a gradient, with stride above 1, dilation 1, one
 * group, an output plane of 2x2 or more, at most {@value #MAX_WEIGHTS} weights, at least {@value #MIN_MACS}
 * multiply-adds in the input's gradient, and a trainable weight or bias. System property {@value #PROPERTY}{@code =false} turns it off.
 */
final class NativeConvGrad {
    static final String PROPERTY = "torch4j.nativeConvGrad";
    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty(PROPERTY));
    static final long MAX_WEIGHTS = 100_000;
    static final long MIN_MACS = 1_000_000;

    private NativeConvGrad() {}

    /** The convolution, or null where this path does not apply (then libtorch convolves). */
    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long[] stride, long[] padding, long[] dilation, long groups) {
        if (!ENABLED || groups != 1 || dilation[0] != 1 || dilation[1] != 1 || (stride[0] == 1 && stride[1] == 1)) return null;
        org.bytedeco.pytorch.Tensor t = x.handle(), w = weight.handle();
        if (!GradMode.is_enabled() || !t.requires_grad() || t.dim() != 4 || !t.is_cpu() || !w.is_cpu()
                || x.dtype() != DType.FLOAT32 || weight.dtype() != DType.FLOAT32 || !t.is_contiguous() || !w.is_contiguous()) {
            return null;
        }
        boolean weightGrad = w.requires_grad(), biasGrad = bias != null && bias.handle().requires_grad();
        if (!weightGrad && !biasGrad) return null; // nothing to carry the token: libtorch's backward
        long n = t.size(0), c = t.size(1), h = t.size(2), wd = t.size(3), o = w.size(0), kh = w.size(2), kw = w.size(3);
        if (w.size(1) != c || n == 0) return null; // libtorch reports the mismatch
        // the shim's loop wins up to ~100k weights (64->128 3x3: 0.60x oneDNN's time), is even at 96->192 and loses at
        // 128->256 (1.27x; benchmarks/results/2026-12-07-conv-grad-input.log)
        if (w.numel() > MAX_WEIGHTS) return null;
        long oh = (h + 2 * padding[0] - kh) / stride[0] + 1, ow = (wd + 2 * padding[1] - kw) / stride[1] + 1;
        if (h + 2 * padding[0] < kh || wd + 2 * padding[1] < kw || oh * ow < 4 || !Shim.available()) return null;
        // the path (carrier, kept handles, hooks, the split backward) costs ~30 us per call (s0-cnn at batch 8: 1.66-1.69 ms per step against 1.58-1.59 without); below
        // ~1M multiply-adds oneDNN's overhead is no larger than that
        if (n * oh * ow * o * c * kh * kw < MIN_MACS) return null;
        Call call = new Call(new long[] {n, c, h, wd, o, kh, kw, oh, ow, stride[0], stride[1], padding[0], padding[1]},
                stride, padding, weightGrad, biasGrad, t, w);
        // the carrier is the weight to the bit (times one); its backward node holds the call's token
        org.bytedeco.pytorch.Tensor scaled = weightGrad ? call.carrier(w) : w;
        org.bytedeco.pytorch.Tensor b = bias == null ? null : biasGrad && !weightGrad ? call.carrier(bias.handle()) : bias.handle();
        Tensor y = Tensor.call(() -> torch.conv2d(t, scaled, b == null ? new TensorOptional() : new TensorOptional(b), stride,
                padding, dilation, 1));
        try (org.bytedeco.pytorch.Node node = y.handle().grad_fn()) {
            call.attach(node); // a handle of our own to the node would hold the graph: closed
        }
        return y;
    }

    /**
     * Whether the weight gradient is asked of oneDNN on channels-last copies: with 6-12 input channels its
     * channels-last kernel, copies included, took 0.30-0.81 ms against 0.40-2.2 ms contiguous (s0-cnn's 8->16 at 7x7,
     * s0-catdog's 6->12 at 64x64 and 12->24 at 32x32); even at 4 channels, slower at 16 and more
     * (benchmarks/WeightGradLayoutProbe.java).
     */
    static boolean weightGradChannelsLast(long inChannels) {
        return inChannels >= 6 && inChannels <= 12;
    }

    /** One convolution call: the geometry and the handles its gradients need. */
    private static final class Call extends ConvolutionCall {
        Call(long[] geometry, long[] stride, long[] padding, boolean weightGrad, boolean biasGrad,
             org.bytedeco.pytorch.Tensor input, org.bytedeco.pytorch.Tensor weight) {
            super(geometry, stride, padding, weightGrad, biasGrad, input, weight);
        }

        @Override TensorVector convolutionGradients(org.bytedeco.pytorch.Tensor gy) {
            org.bytedeco.pytorch.Tensor none = new org.bytedeco.pytorch.Tensor();
            org.bytedeco.pytorch.Tensor gx = torch.empty_like(input);
            if (!Shim.conv2dGradInput(gy.data_ptr(), weight.data_ptr(), gx.data_ptr(), geometry, torch.get_num_threads())) {
                throw new IllegalStateException("the shim refused the convolution geometry " + java.util.Arrays.toString(geometry));
            }
            org.bytedeco.pytorch.Tensor gw = none, gb = none;
            try (BoolPointer mask = new BoolPointer(3)) {
                mask.put(0, false).put(1, weightGrad).put(2, biasGrad);
                boolean cl = weightGradChannelsLast(geometry[1]);
                org.bytedeco.pytorch.Tensor g = cl ? gy.contiguous(torch.MemoryFormat.ChannelsLast) : gy,
                        in = cl ? input.contiguous(torch.MemoryFormat.ChannelsLast) : input,
                        wt = cl ? weight.contiguous(torch.MemoryFormat.ChannelsLast) : weight;
                T_TensorTensorTensor_T r = torch.convolution_backward(g, in, wt, new long[] {geometry[4]}, stride,
                        padding, new long[] {1, 1}, false, new long[] {0, 0}, 1, mask);
                // copies of the handles: the tuple's are references into it; the weight's gradient in the weight's layout
                if (weightGrad) gw = cl ? r.get1().contiguous() : new org.bytedeco.pytorch.Tensor(r.get1());
                if (biasGrad) gb = new org.bytedeco.pytorch.Tensor(r.get2());
            }
            return new TensorVector(gx, gw, gb);
        }
    }
}
