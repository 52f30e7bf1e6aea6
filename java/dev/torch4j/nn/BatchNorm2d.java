package dev.torch4j.nn;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.MemoryFormat;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.TensorTensorHook;

/**
 * Batch normalisation over [N, C, H, W], as PyTorch's {@code nn.BatchNorm2d}: batch statistics in training
 * (updating the running ones), running statistics in evaluation. State-dict keys: weight, bias,
 * running_mean, running_var, num_batches_tracked.
 *
 * <p>Frozen (weight and bias not trained), it still follows its mode, as in PyTorch: in a training model it
 * normalises with batch statistics and updates the running ones (seed 000's frozen ResNet18 does so). Keras' rule,
 * where a frozen batch norm runs in inference mode and its statistics stay as loaded, is an explicit choice:
 * {@link #inferenceWhenFrozen(Layer)}.
 */
public final class BatchNorm2d extends Layer {
    /** {@code -Dtorch4j.smallPlanesChannelsLast=false}: small planes normalised in place too (an A/B switch). */
    private static final boolean SMALL_PLANES_CHANNELS_LAST = !"false".equalsIgnoreCase(System.getProperty("torch4j.smallPlanesChannelsLast"));

    /**
     * The small-planes path's gradients in the layout each side expects. libtorch's batch norm backward takes its fast
     * channels-last kernel only when the output's gradient is channels-last too (else a generic serial loop), and an
     * elementwise backward below it (ReLU's) is slow when handed a channels-last gradient beside its own contiguous
     * saved tensors. On s0-cnn's 32@2x2 layer: batch norm backward 0.29 against 0.06 ms, ReLU's 0.21 against 0.03
     * (benchmarks/StepTimeline.java). Stateless, so one instance of each serves every call; they live as long as the class.
     */
    private static final TensorTensorHook CONTIGUOUS_GRADIENT = layoutHook(false), CHANNELS_LAST_GRADIENT = layoutHook(true);

    private static TensorTensorHook layoutHook(boolean channelsLast) {
        TensorTensorHook h = new TensorTensorHook() {
            @Override public TensorBase call(TensorBase grad) {
                return channelsLast ? grad.contiguous(org.bytedeco.pytorch.global.torch.MemoryFormat.ChannelsLast) : grad.contiguous();
            }
        };
        h.retainReference();
        return h;
    }
    private final long features;
    private final double eps;
    private final Double momentum; // null: cumulative moving average
    private final Tensor weight, bias, runningMean, runningVar, batchesTracked;
    private boolean inferenceWhenFrozen;

    private BatchNorm2d(long features, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        if (features <= 0) throw new IllegalArgumentException("BatchNorm2d needs a positive feature count, got " + features);
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        weight = affine ? registerParameter("weight", Tensor.ones(features)) : null;
        bias = affine ? registerParameter("bias", Tensor.zeros(features)) : null;
        if (trackRunningStats) {
            runningMean = registerBuffer("running_mean", Tensor.zeros(features));
            runningVar = registerBuffer("running_var", Tensor.ones(features));
            batchesTracked = registerBuffer("num_batches_tracked", Tensor.zeros(DType.INT64));
        } else {
            runningMean = runningVar = batchesTracked = null;
        }
    }

    /** eps 1e-5, momentum 0.1, affine, running statistics: PyTorch's defaults. */
    public static BatchNorm2d of(long features) {
        return new BatchNorm2d(features, 1e-5, 0.1, true, true);
    }

    /** momentum null means a cumulative moving average, as in PyTorch. */
    public static BatchNorm2d of(long features, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        return new BatchNorm2d(features, eps, momentum, affine, trackRunningStats);
    }

    public Tensor runningMean() {
        return runningMean;
    }

    public Tensor runningVar() {
        return runningVar;
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    /** True when its weight and bias are frozen (do not train). */
    public boolean isFrozen() {
        return weight != null && !weight.requiresGrad() && (bias == null || !bias.requiresGrad());
    }

    /**
     * Keras' rule for this batch norm: while frozen, it runs as in evaluation even when its model trains, so its
     * running statistics stay as they were loaded. Off by default (PyTorch's rule). Returns this.
     */
    public BatchNorm2d inferenceWhenFrozen(boolean on) {
        inferenceWhenFrozen = on;
        return this;
    }

    /** Keras' rule ({@link #inferenceWhenFrozen(boolean)}) for every batch norm in {@code root}. Returns root. */
    public static <M extends Layer> M inferenceWhenFrozen(M root) {
        for (Layer m : root.modules()) if (m instanceof BatchNorm2d bn) bn.inferenceWhenFrozen(true);
        return root;
    }

    @Override public Tensor forward(Tensor x) {
        return normalise(x, false);
    }

    /**
     * This batch norm of relu(x), as {@link #call} of a ReLU's output (hooks included); where the shim normalises, the
     * ReLU is applied on the fly and its output never stored (Sequential runs a ReLU followed by a batch norm so).
     */
    Tensor callOnRelu(Tensor x) {
        return call(x, in -> normalise(in, true));
    }

    private Tensor normalise(Tensor x, boolean reluFirst) {
        if (x.dim() != 4) throw new IllegalArgumentException("expected a 4-d input [N, " + features + ", H, W], got " + F.shape(x));
        if (x.size(1) != features) throw new IllegalArgumentException("expected " + features + " channels, got " + x.size(1) + " (input " + F.shape(x) + ")");
        boolean training = isTraining() && !(inferenceWhenFrozen && isFrozen());
        boolean useBatchStats = training || runningMean == null;
        double m = momentum == null ? 0.0 : momentum;
        if (training && batchesTracked != null) {
            try (Torch.NoGrad g = Torch.noGrad()) {
                batchesTracked.handle().add_(new org.bytedeco.pytorch.Scalar(1L));
            }
            if (momentum == null) m = 1.0 / batchesTracked.itemLong();
        }
        if (useBatchStats && x.size(0) * x.size(2) * x.size(3) <= 1) {
            throw new IllegalArgumentException("expected more than 1 value per channel when training, got input " + F.shape(x));
        }
        if (useBatchStats && NativeBatchNorm.applies(x, reluFirst, weight, bias, runningMean, runningVar)) {
            return NativeBatchNorm.train(x, weight, bias, runningMean, runningVar, m, eps, reluFirst);
        }
        if (reluFirst) x = x.relu();
        if (useBatchStats && smallPlanes(x)) {
            // libtorch's contiguous kernels walk each (sample, channel) plane on its own, slow on planes of a few values;
            // its channels-last ones are not. With the copies and the layout hooks, forward + backward on a copy takes
            // 0.13-0.54x the contiguous time on planes of 4 and 9 values with 16-128 channels, and 1.1-1.4x on 16
            // (whose rows fill vectors), 0.6-0.75x on 25, 1.0-2.1x on 49 and more (benchmarks/BatchNormLayoutProbe.java,
            // docs/benchmarks.md, "Where one step goes, node by node; batch norm on small planes").
            Tensor xcl = x.contiguous(MemoryFormat.CHANNELS_LAST);
            if (xcl.requiresGrad()) xcl.handle().register_hook(CONTIGUOUS_GRADIENT);
            Tensor y = F.batchNorm(xcl, runningMean, runningVar, weight, bias, true, m, eps);
            if (y.requiresGrad()) y.handle().register_hook(CHANNELS_LAST_GRADIENT);
            return y.contiguous(MemoryFormat.CONTIGUOUS);
        }
        return F.batchNorm(x, runningMean, runningVar, weight, bias, useBatchStats, m, eps);
    }

    /** Planes of 2 to 9 values and 16 channels or more, contiguous CPU floats: where the copies pay (measured). */
    static boolean smallPlanes(Tensor x) {
        long plane = x.size(2) * x.size(3);
        return SMALL_PLANES_CHANNELS_LAST && plane > 1 && plane <= 9 && x.size(1) >= 16 && x.dtype() == DType.FLOAT32
                && x.handle().is_cpu() && x.handle().is_contiguous();
    }

    @Override protected String extraRepr() {
        return features + ", eps=" + eps + ", momentum=" + (momentum == null ? "None" : momentum) + ", affine="
                + (weight != null ? "True" : "False") + ", track_running_stats=" + (runningMean != null ? "True" : "False");
    }
}
