package dev.torch4j.train;

import dev.torch4j.tensor.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** Cross-entropy of logits [N, C] against class indices [N], with class weights and label smoothing, as PyTorch. */
public final class CrossEntropyLoss implements Loss {
    private final Tensor weights;
    private final double labelSmoothing;
    private final Reduction reduction;

    CrossEntropyLoss(Tensor weights, double labelSmoothing, Reduction reduction) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw dev.torch4j.config.Check.refused("CrossEntropyLoss", "labelSmoothing", "in [0, 1]", String.valueOf(labelSmoothing));
        this.weights = weights;
        this.labelSmoothing = labelSmoothing;
        this.reduction = reduction;
    }

    /** One weight per class (rescales each class's contribution). */
    public CrossEntropyLoss weights(Tensor classWeights) {
        return new CrossEntropyLoss(classWeights, labelSmoothing, reduction);
    }

    public CrossEntropyLoss labelSmoothing(double amount) {
        return new CrossEntropyLoss(weights, amount, reduction);
    }

    public CrossEntropyLoss reduction(Reduction r) {
        return new CrossEntropyLoss(weights, labelSmoothing, r);
    }

    @Override public Tensor compute(Tensor output, Tensor target) {
        Loss.Checks.classification(output, target);
        if (weights != null && (weights.dim() != 1 || weights.size(0) != output.size(1))) {
            throw new IllegalArgumentException("class weights have shape " + java.util.Arrays.toString(weights.shape()) + " but the output has "
                    + output.size(1) + " classes");
        }
        TensorOptional w = weights == null ? new TensorOptional() : new TensorOptional(weights.to(output.device()).handle());
        return Loss.Checks.withLabelRange(output, target,
                () -> torch.cross_entropy_loss(output.handle(), target.handle(), w, reduction.code, -100, labelSmoothing));
    }
}
