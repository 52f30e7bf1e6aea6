package dev.torch4j.nn;

import dev.torch4j.shim.Shim;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.BoolPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.FunctionPostHook;
import org.bytedeco.pytorch.FunctionPreHook;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Node;
import org.bytedeco.pytorch.PointerConsumer;
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
 * <p>The presets offer no custom autograd function, so the convolution's own backward node is hooked: a pre-hook
 * keeps the output gradient and hands the node an undefined one (it then computes nothing), and a post-hook returns
 * the three gradients: the input's from the shim, the weight's and bias's from libtorch's convolution backward.
 * The node owns the hooks' native halves; their Java halves must stay reachable as long as the node may call them,
 * which is as long as the graph holds the weight's scaling by one ({@code weight * token}, the token a one-element
 * tensor over memory of ours): its backward runs after the convolution's, and the token is freed when that backward
 * has run or the graph is dropped. The token's deleter then lets the hooks go.
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

    /** Hooks of live graphs, by their token's address. */
    private static final Map<Long, Call> LIVE = new ConcurrentHashMap<>();

    /** Frees a token's memory and lets its call's hooks go (the graph no longer holds them). */
    private static final PointerConsumer RELEASE = new PointerConsumer() {
        { retainReference(); }

        @Override public void call(Pointer data) {
            Call c = LIVE.remove(data.address());
            if (c != null) c.release();
        }
    };

    private NativeConvGrad() {}

    /** How many convolution calls' hooks a live graph still holds (tests: they must go with their graph). */
    static int liveCalls() {
        return LIVE.size();
    }

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
        // the hooks cost ~30 us per call (s0-cnn at batch 8: 1.66-1.69 ms per step against 1.58-1.59 without); below
        // ~1M multiply-adds oneDNN's overhead is no larger than that
        if (n * oh * ow * o * c * kh * kw < MIN_MACS) return null;
        Call call = new Call(new long[] {n, c, h, wd, o, kh, kw, oh, ow, stride[0], stride[1], padding[0], padding[1]},
                stride, padding, weightGrad, biasGrad);
        org.bytedeco.pytorch.Tensor token = torch.from_blob(call.token, new long[] {1}, RELEASE);
        LIVE.put(call.token.address(), call);
        Tensor y;
        try {
            // the product is the weight to the bit (times one); its backward node holds the token
            org.bytedeco.pytorch.Tensor scaled = weightGrad ? w.mul(token) : w;
            org.bytedeco.pytorch.Tensor b = bias == null ? null : biasGrad && !weightGrad ? bias.handle().mul(token) : bias.handle();
            call.input = own(t);
            call.weight = own(w); // not the product: its node holds the token, and the token must go with the graph
            call.inputVersion = t._version();
            call.weightVersion = w._version();
            y = Tensor.call(() -> torch.conv2d(t, scaled, b == null ? new TensorOptional() : new TensorOptional(b), stride, padding,
                    dilation, 1));
            Node node = y.handle().grad_fn();
            node.add_pre_hook(call.pre);
            node.add_post_hook(call.post);
        } finally {
            token.close(); // the graph keeps its own reference (or none: then the deleter runs now)
        }
        return y;
    }

    /** A handle of the hooks' own to {@code t}'s tensor, which no open scope frees (the graph may outlive it). */
    private static org.bytedeco.pytorch.Tensor own(org.bytedeco.pytorch.Tensor t) {
        return outsideScopes(new org.bytedeco.pytorch.Tensor(t));
    }

    /** One more reference: a closing scope drops its own and leaves {@code p} alone; {@link Call#release} frees it. */
    private static <P extends Pointer> P outsideScopes(P p) {
        p.retainReference();
        return p;
    }

    /** One convolution call's hooks and what they need. */
    private static final class Call {
        final long[] geometry, stride, padding;
        final boolean weightGrad, biasGrad;
        final Pointer token = outsideScopes(new org.bytedeco.javacpp.FloatPointer(1).put(1f));
        org.bytedeco.pytorch.Tensor input, weight, gradOutput;
        long inputVersion, weightVersion;
        final FunctionPreHook pre = new FunctionPreHook() {
            @Override public TensorVector apply(TensorVector grads) {
                gradOutput = new org.bytedeco.pytorch.Tensor(grads.get(0)); // a handle of our own: the vector is freed
                return new TensorVector(new org.bytedeco.pytorch.Tensor());
            }
        };
        final FunctionPostHook post = new FunctionPostHook() {
            @Override public TensorVector apply(TensorVector outputs, TensorVector inputs) {
                return gradients();
            }
        };

        Call(long[] geometry, long[] stride, long[] padding, boolean weightGrad, boolean biasGrad) {
            this.geometry = geometry;
            this.stride = stride;
            this.padding = padding;
            this.weightGrad = weightGrad;
            this.biasGrad = biasGrad;
            outsideScopes(pre).deallocate(false); // the node owns the native halves
            outsideScopes(post).deallocate(false);
        }

        /** The graph has let go of the hooks: frees the token's memory and the handles kept for the backward. */
        void release() {
            if (input != null) input.deallocate();
            if (weight != null) weight.deallocate();
            token.deallocate();
        }

        TensorVector gradients() {
            org.bytedeco.pytorch.Tensor gy = gradOutput;
            gradOutput = null;
            org.bytedeco.pytorch.Tensor none = new org.bytedeco.pytorch.Tensor();
            if (gy == null || !gy.defined()) return new TensorVector(none, none, none);
            // as libtorch refuses a saved tensor changed in place since the forward (its version counter moved)
            if (input._version() != inputVersion || weight._version() != weightVersion) {
                throw new IllegalStateException("a convolution's input or weight was modified by an in-place operation between "
                        + "the forward and the backward (" + (input._version() != inputVersion ? "input" : "weight")
                        + " version " + (input._version() != inputVersion ? inputVersion + " -> " + input._version()
                        : weightVersion + " -> " + weight._version()) + "); its gradient would be computed from the new values");
            }
            gy = gy.contiguous();
            org.bytedeco.pytorch.Tensor gx = torch.empty_like(input);
            if (!Shim.conv2dGradInput(gy.data_ptr(), weight.data_ptr(), gx.data_ptr(), geometry, torch.get_num_threads())) {
                throw new IllegalStateException("the shim refused the convolution geometry " + java.util.Arrays.toString(geometry));
            }
            org.bytedeco.pytorch.Tensor gw = none, gb = none;
            if (weightGrad || biasGrad) {
                try (BoolPointer mask = new BoolPointer(3)) {
                    mask.put(0, false).put(1, weightGrad).put(2, biasGrad);
                    T_TensorTensorTensor_T r = torch.convolution_backward(gy, input, weight, new long[] {geometry[4]}, stride,
                            padding, new long[] {1, 1}, false, new long[] {0, 0}, 1, mask);
                    // copies of the handles: the tuple's are references into it
                    if (weightGrad) gw = new org.bytedeco.pytorch.Tensor(r.get1());
                    if (biasGrad) gb = new org.bytedeco.pytorch.Tensor(r.get2());
                }
            }
            return new TensorVector(gx, gw, gb);
        }
    }
}
