package dev.torch4j.train;

import dev.torch4j.data.Batch;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Tensor;

/**
 * One training step's computation, as Keras' {@code train_step} or Lightning's {@code training_step}: from a batch
 * (already on the training device) to the loss, plus the outputs and targets the metrics are measured on. The
 * trainer does the rest: gradients cleared, backward, optimizer and scheduler steps, metrics, callbacks, snapshots.
 *
 * <pre>{@code
 * trainer.step((model, b) -> StepOutput.of(Loss.crossEntropy().labelSmoothing(0.1).compute(model.call(b.inputs()), b.targets())));
 * }</pre>
 */
@FunctionalInterface
public interface TrainStep {
    StepOutput run(Layer model, Batch batch);

    /**
     * The default step: the model's output, and {@code loss} of it against the targets. Binary heads ([N, 1] or [N])
     * get float targets of their own shape; class heads keep integer labels.
     */
    static TrainStep standard(Loss loss) {
        return (model, b) -> {
            Tensor out = model.call(b.inputs());
            Tensor target = targetFor(out, b.targets());
            return new StepOutput(loss.compute(out, target), out, b.targets());
        };
    }

    /** The target in the form {@code loss} expects for {@code out}'s shape. */
    static Tensor targetFor(Tensor out, Tensor y) {
        boolean binary = out.dim() == 1 || out.dim() == 2 && out.size(1) == 1;
        if (binary && y.dim() == 1 && out.dim() == 2) return y.float32().reshape(out.size(0), 1);
        if (binary) return y.float32();
        return y;
    }
}
