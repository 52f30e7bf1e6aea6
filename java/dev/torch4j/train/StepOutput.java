package dev.torch4j.train;

import dev.torch4j.tensor.Tensor;

/**
 * What one training step produced: the loss to minimise and, for metrics, the model's outputs and the targets they
 * are measured against (both may be null: then no metric is tracked for the step, only the loss).
 */
public record StepOutput(Tensor loss, Tensor outputs, Tensor targets) {
    public StepOutput {
        if (loss == null) throw new IllegalArgumentException("a training step must return a loss");
        if ((outputs == null) != (targets == null)) throw new IllegalArgumentException("give both outputs and targets, or neither");
    }

    /** A step that reports only its loss. */
    public static StepOutput of(Tensor loss) {
        return new StepOutput(loss, null, null);
    }
}
