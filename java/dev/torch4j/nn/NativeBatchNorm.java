package dev.torch4j.nn;

import dev.torch4j.shim.Shim;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Node;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Batch normalisation with batch statistics computed by the shim, forward and backward, optionally of a ReLU's output
 * computed on the fly (a ReLU directly before the batch norm, fused by {@link Sequential}). libtorch 2.10's CPU
 * training forward walks each (sample, channel) plane on its own: 0.4-0.8 ms on s0-cnn's 4@14x14 planes at batch 512,
 * where one pass over the tensor takes ~0.05 (docs/benchmarks.md, "Batch norm in the shim").
 *
 * <p>In training the output is tied to the input, weight and bias as in {@link FewChannelConv}: it gets a graph by
 * adding (alpha 0) one element of {@code cat(x.flatten()[0:1], weight, bias)}; the addition's node keeps the output's
 * gradient and computes nothing, the {@code cat} node's post-hook returns the weight's and bias's gradients, and the
 * input slice's node returns the input's ({@link HookedBackward#attachInput}).
 *
 * <p>Used for CPU float32 contiguous (NCHW) 4-d inputs, float32 contiguous parameters and running statistics. System
 * property {@value #PROPERTY}{@code =false} turns it off.
 */
final class NativeBatchNorm {
    static final String PROPERTY = "torch4j.nativeBatchNorm";
    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty(PROPERTY));

    private NativeBatchNorm() {}

    // NativeBatchNormProbe, forward + backward against libtorch's relu + batch_norm / batch_norm: 0.62-0.72x on s0-cnn's
    // 200k-400k values (planes of 49-196), 0.85-0.92x on 131k, 0.22-0.49x on planes of 4 values; s0-catdog's 196k-786k
    // values on planes of 256-4096 0.87-0.93x after a ReLU, 1.03-1.39x without one (libtorch's loops are as fast on
    // long planes: only the ReLU's passes are saved); 1.2-1.4x on 49k-98k values of planes of 16-64, 1.5-1.9x on planes
    // of one value (libtorch's contiguous kernel is its channels-last one there). The path's own cost (allocations, the
    // carrier, the hooks) is ~0.1 ms.
    static final long MIN_VALUES = 120_000;
    static final long MAX_PLANE_WITHOUT_RELU = 196;
    static final long MAX_SMALL_PLANE = 9, MIN_SMALL_PLANE_CHANNELS = 16;

    /**
     * Whether the shim normalises {@code x} (or relu(x), {@code reluFirst}) with batch statistics (the caller then calls
     * {@link #train}): CPU float32 NCHW-contiguous tensors, and either planes of at most {@value #MAX_SMALL_PLANE} values
     * with {@value #MIN_SMALL_PLANE_CHANNELS} channels or more, or {@value #MIN_VALUES} values or more on planes of 2
     * values or more (at most {@value #MAX_PLANE_WITHOUT_RELU} without a ReLU to apply).
     */
    static boolean applies(Tensor x, boolean reluFirst, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar) {
        if (!ENABLED || x.dim() != 4 || !floats(x) || !Shim.available()) return false;
        long plane = x.size(2) * x.size(3);
        boolean smallPlanes = plane >= 2 && plane <= MAX_SMALL_PLANE && x.size(1) >= MIN_SMALL_PLANE_CHANNELS;
        boolean large = plane >= 2 && x.numel() >= MIN_VALUES && (reluFirst || plane <= MAX_PLANE_WITHOUT_RELU);
        if (!smallPlanes && !large) return false;
        return (weight == null || floats(weight)) && (bias == null || floats(bias)) && (runningMean == null || floats(runningMean))
                && (runningVar == null || floats(runningVar));
    }

    private static boolean floats(Tensor t) {
        org.bytedeco.pytorch.Tensor h = t.handle();
        return t.dtype() == DType.FLOAT32 && h.is_cpu() && h.is_contiguous();
    }

    /**
     * Batch norm of {@code x} (or of max(x, 0) when {@code reluInput}) with batch statistics; the running statistics
     * (both or neither) move by {@code momentum}. The caller has checked {@link #applies} and the shape.
     */
    static Tensor train(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, double momentum, double eps,
                        boolean reluInput) {
        org.bytedeco.pytorch.Tensor t = x.handle();
        long n = t.size(0), c = t.size(1), p = t.size(2) * t.size(3);
        Tensor y = Tensor.empty(DType.FLOAT32, n, c, t.size(2), t.size(3));
        Tensor mean = Tensor.empty(DType.FLOAT32, c), invstd = Tensor.empty(DType.FLOAT32, c);
        if (!Shim.batchNormTrain(t.data_ptr(), y.handle().data_ptr(), data(weight), data(bias), mean.handle().data_ptr(),
                invstd.handle().data_ptr(), data(runningMean), data(runningVar), n, c, p, momentum, eps, reluInput,
                torch.get_num_threads())) {
            throw new IllegalStateException("the shim refused batch norm of " + F.shape(x) + " (momentum " + momentum + ", eps " + eps + ")");
        }
        boolean grad = GradMode.is_enabled();
        boolean inputGrad = grad && t.requires_grad(), weightGrad = grad && weight != null && weight.requiresGrad(),
                biasGrad = grad && bias != null && bias.requiresGrad();
        if (!inputGrad && !weightGrad && !biasGrad) {
            mean.close();
            invstd.close();
            return y;
        }
        Call call = new Call(t, weight == null ? null : weight.handle(), mean.handle(), invstd.handle(), reluInput, inputGrad,
                weightGrad, biasGrad);
        // the pieces the gradients come back through, in the cat's order; the first carries the call's token
        TensorVector pieces = new TensorVector();
        org.bytedeco.pytorch.Tensor flat = null, inputSlice = null, carried = null, params = null, link = null;
        try {
            if (inputGrad) {
                flat = t.reshape(-1);
                inputSlice = flat.narrow(0, 0, 1);
                pieces.push_back(carried = call.carrier(inputSlice));
            }
            if (weightGrad) pieces.push_back(inputGrad ? weight.handle() : (carried = call.carrier(weight.handle())));
            if (biasGrad) pieces.push_back(inputGrad || weightGrad ? bias.handle() : (carried = call.carrier(bias.handle())));
            params = torch.cat(pieces);
            link = params.narrow(0, 0, 1);
            try (Scalar zero = new Scalar(0.0)) {
                // y + 0 * link: the same values, now an output of the graph (as in FewChannelConv)
                y.handle().add_(link, zero);
            }
            try (Node first = y.handle().grad_fn(); Node last = params.grad_fn()) { // handles that would hold the graph
                call.attach(first, last);
            }
            if (inputGrad) {
                try (Node slice = inputSlice.grad_fn()) {
                    call.attachInput(slice);
                }
            }
        } finally {
            // only the graph (through y) holds these now: closing the handles lets the call go with it
            for (org.bytedeco.pytorch.Tensor h : new org.bytedeco.pytorch.Tensor[] {flat, inputSlice, carried, params, link}) {
                if (h != null) h.close();
            }
            pieces.close();
            mean.close();
            invstd.close();
        }
        return y;
    }

    private static org.bytedeco.javacpp.Pointer data(Tensor t) {
        return t == null ? null : t.handle().data_ptr();
    }

    /** One batch norm call: the saved statistics and the handles its gradients need. */
    private static final class Call extends HookedBackward {
        private final org.bytedeco.pytorch.Tensor input, weight, mean, invstd;
        private final long inputVersion, weightVersion;
        private final boolean reluInput, inputGrad, weightGrad, biasGrad;

        Call(org.bytedeco.pytorch.Tensor input, org.bytedeco.pytorch.Tensor weight, org.bytedeco.pytorch.Tensor mean,
             org.bytedeco.pytorch.Tensor invstd, boolean reluInput, boolean inputGrad, boolean weightGrad, boolean biasGrad) {
            this.input = keep(input);
            this.weight = weight == null ? null : keep(weight);
            this.mean = keep(mean);
            this.invstd = keep(invstd);
            this.inputVersion = input._version();
            this.weightVersion = weight == null ? 0 : weight._version();
            this.reluInput = reluInput;
            this.inputGrad = inputGrad;
            this.weightGrad = weightGrad;
            this.biasGrad = biasGrad;
        }

        /** The cat node's inputs' gradients: none for the input's slice (its own node returns it), the weight's, the bias's. */
        @Override TensorVector gradients(org.bytedeco.pytorch.Tensor gy) {
            checkUnchanged("a batch norm", input, inputVersion, weight, weightVersion);
            gy = gy.contiguous();
            long n = input.size(0), c = input.size(1), p = input.size(2) * input.size(3);
            org.bytedeco.pytorch.Tensor gx = inputGrad ? torch.empty_like(input) : null;
            org.bytedeco.pytorch.Tensor gw = weightGrad ? torch.empty_like(weight) : null, gb = biasGrad ? torch.empty_like(mean) : null;
            if (!Shim.batchNormTrainBackward(input.data_ptr(), gy.data_ptr(), weight == null ? null : weight.data_ptr(),
                    mean.data_ptr(), invstd.data_ptr(), gx == null ? null : gx.data_ptr(), gw == null ? null : gw.data_ptr(),
                    gb == null ? null : gb.data_ptr(), n, c, p, reluInput, torch.get_num_threads())) {
                throw new IllegalStateException("the shim refused batch norm's backward of [" + n + ", " + c + ", " + p + "]");
            }
            TensorVector grads = new TensorVector();
            if (inputGrad) {
                setInputGradient(gx);
                grads.push_back(new org.bytedeco.pytorch.Tensor());
            }
            if (weightGrad) grads.push_back(gw);
            if (biasGrad) grads.push_back(gb);
            return grads;
        }
    }
}
