package dev.torch4j.nn;

import dev.torch4j.shim.Shim;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.BoolPointer;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.T_TensorTensorTensor_T;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A convolution of an input with few channels (a network's first layer on images) computed by the shim. oneDNN's
 * kernels for 1-3 input channels spend most of their time in bookkeeping: s0-cnn's 1->4 layer at batch 512 takes
 * 0.34-0.35 ms forward in libtorch and 0.17-0.23 ms in the shim, s0-catdog's 3->6 at 128x128 1.1-1.3 ms against 0.44-0.58
 * (docs/benchmarks.md, "The first layer in the shim"; benchmarks/FewChannelConvProbe.java).
 *
 * <p>In training the output must still reach the weight and bias through autograd, and the presets offer no custom
 * autograd function: the shim's output gets a graph by adding (alpha 0, so the values are unchanged) one element of
 * {@code cat(weight, bias)} flattened. That addition's node is hooked to keep the output's gradient and compute
 * nothing; the {@code cat} node's post-hook returns the weight's and bias's gradients ({@link HookedBackward}), from
 * the shim where it measured faster (one input channel, up to {@value #MAX_SHIM_GRAD_OUTPUTS} outputs) and from
 * libtorch's convolution backward otherwise.
 *
 * <p>Used for CPU float32 contiguous (NCHW, not channels-last) inputs with 1-{@value #MAX_INPUT_CHANNELS} channels that need no gradient
 * themselves, one group, dilation 1, padding below the kernel, and either at most {@value #MAX_OUTPUTS} output channels
 * or an output plane of {@value #LARGE_PLANE} positions or more. System property {@value #PROPERTY}{@code =false}
 * turns it off.
 */
final class FewChannelConv {
    static final String PROPERTY = "torch4j.fewChannelConv";
    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty(PROPERTY));
    static final long MAX_INPUT_CHANNELS = 3;
    // FewChannelConvProbe: 0.39-0.67x libtorch's forward at 4-6 outputs, 0.72-1.04x at 16-32 on 28x28 planes, 0.17-0.41x
    // on 150x150 and 224x224 planes
    static final long MAX_OUTPUTS = 8;
    static final long LARGE_PLANE = 64 * 64;
    // the weight gradient: 0.68-0.72x libtorch's at 1->4, 0.78-0.88x at 1->6 (5x5), 1.07x at 3->6, 1.1-2.1x at 16-32 outputs
    static final long MAX_SHIM_GRAD_OUTPUTS = 6;

    private FewChannelConv() {}

    /** The convolution, or null where this path does not apply (then another form or libtorch convolves). */
    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long[] stride, long[] padding, long[] dilation, long groups) {
        if (!ENABLED || groups != 1 || dilation[0] != 1 || dilation[1] != 1) return null;
        org.bytedeco.pytorch.Tensor t = x.handle(), w = weight.handle(), b = bias == null ? null : bias.handle();
        if (t.dim() != 4 || w.dim() != 4 || !t.is_cpu() || !w.is_cpu() || x.dtype() != DType.FLOAT32 || weight.dtype() != DType.FLOAT32
                || !t.is_contiguous() || !w.is_contiguous()) {
            return null;
        }
        if (b != null && (!b.is_cpu() || bias.dtype() != DType.FLOAT32 || b.dim() != 1 || !b.is_contiguous())) return null;
        boolean grad = GradMode.is_enabled();
        if (grad && t.requires_grad()) return null; // the input's gradient: libtorch's (or NativeConvGrad's)
        long n = t.size(0), c = t.size(1), h = t.size(2), wd = t.size(3), o = w.size(0), kh = w.size(2), kw = w.size(3);
        if (c > MAX_INPUT_CHANNELS || w.size(1) != c || n == 0 || (b != null && b.size(0) != o)) return null; // libtorch reports a mismatch
        if (stride[0] <= 0 || stride[1] <= 0 || padding[0] < 0 || padding[1] < 0) return null; // libtorch's message
        if (padding[0] >= kh || padding[1] >= kw || h + 2 * padding[0] < kh || wd + 2 * padding[1] < kw) return null;
        long oh = (h + 2 * padding[0] - kh) / stride[0] + 1, ow = (wd + 2 * padding[1] - kw) / stride[1] + 1;
        if (o > MAX_OUTPUTS && oh * ow < LARGE_PLANE) return null;
        if (!Shim.available()) return null;
        long[] geometry = {n, c, h, wd, o, kh, kw, oh, ow, stride[0], stride[1], padding[0], padding[1]};
        Tensor y = Tensor.empty(DType.FLOAT32, n, o, oh, ow);
        if (!Shim.conv2dFewChannels(t.data_ptr(), w.data_ptr(), b == null ? null : b.data_ptr(), y.handle().data_ptr(), geometry,
                torch.get_num_threads())) {
            y.close();
            throw new IllegalStateException("the shim refused the convolution geometry " + java.util.Arrays.toString(geometry));
        }
        boolean weightGrad = grad && w.requires_grad(), biasGrad = grad && b != null && b.requires_grad();
        if (!weightGrad && !biasGrad) return y;
        Call call = new Call(geometry, stride, padding, weightGrad, biasGrad, t, w);
        // the parameters flattened into one: the cat node is where the gradients come back; the carrier holds the token
        org.bytedeco.pytorch.Tensor params;
        if (weightGrad && biasGrad) {
            params = torch.cat(new TensorVector(call.carrier(w).reshape(-1), b.reshape(-1)));
        } else {
            params = torch.cat(new TensorVector(call.carrier(weightGrad ? w : b).reshape(-1)));
        }
        org.bytedeco.pytorch.Tensor link = params.narrow(0, 0, 1);
        try (Scalar zero = new Scalar(0.0)) {
            // y + 0 * link: the same values, now an output of the graph (a non-finite first weight, which makes output
            // channel 0 non-finite anyway, would make every channel NaN here: a run that far gone has diverged)
            y.handle().add_(link, zero);
        }
        try (org.bytedeco.pytorch.Node first = y.handle().grad_fn(); org.bytedeco.pytorch.Node last = params.grad_fn()) {
            call.attach(first, last); // handles of our own to the nodes would hold the graph: closed
        }
        return y;
    }

    /** One convolution call: the geometry and the handles its gradients need. */
    private static final class Call extends ConvolutionCall {
        Call(long[] geometry, long[] stride, long[] padding, boolean weightGrad, boolean biasGrad,
             org.bytedeco.pytorch.Tensor input, org.bytedeco.pytorch.Tensor weight) {
            super(geometry, stride, padding, weightGrad, biasGrad, input, weight);
        }

        /** The cat node's inputs' gradients, flattened: the weight's (if asked), then the bias's (if asked). */
        @Override TensorVector convolutionGradients(org.bytedeco.pytorch.Tensor gy) {
            long o = geometry[4];
            org.bytedeco.pytorch.Tensor gw, gb;
            if (geometry[1] == 1 && o <= MAX_SHIM_GRAD_OUTPUTS) {
                gw = weightGrad ? torch.empty_like(weight) : null;
                gb = biasGrad ? torch.empty(o) : null;
                if (!Shim.conv2dFewChannelsGradWeight(input.data_ptr(), gy.data_ptr(), gw == null ? null : gw.data_ptr(),
                        gb == null ? null : gb.data_ptr(), geometry, torch.get_num_threads())) {
                    throw new IllegalStateException("the shim refused the convolution geometry " + java.util.Arrays.toString(geometry));
                }
            } else {
                try (BoolPointer mask = new BoolPointer(3)) {
                    mask.put(0, false).put(1, weightGrad).put(2, biasGrad);
                    T_TensorTensorTensor_T r = torch.convolution_backward(gy, input, weight, new long[] {o}, stride, padding,
                            new long[] {1, 1}, false, new long[] {0, 0}, 1, mask);
                    // copies of the handles: the tuple's are references into it
                    gw = weightGrad ? new org.bytedeco.pytorch.Tensor(r.get1()) : null;
                    gb = biasGrad ? new org.bytedeco.pytorch.Tensor(r.get2()) : null;
                }
            }
            TensorVector grads = new TensorVector();
            if (weightGrad) grads.push_back(gw.reshape(-1));
            if (biasGrad) grads.push_back(gb.reshape(-1));
            return grads;
        }
    }
}
