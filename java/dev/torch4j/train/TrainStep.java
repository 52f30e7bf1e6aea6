package dev.torch4j.train;

import dev.torch4j.data.Batch;
import dev.torch4j.nn.Module;
import dev.torch4j.tensor.Tensor;

/**
 * A custom training step: compute the loss of one batch (already on the training device). The trainer
 * does the rest (zero grad, backward, optimizer step, scheduler, callbacks). Accuracy is not tracked for
 * custom steps.
 */
@FunctionalInterface
public interface TrainStep {
    Tensor loss(Module model, Batch batch);
}
