package dev.torch4j.data;

import dev.torch4j.tensor.Tensor;

import java.util.Arrays;

/** Inputs and targets held as two tensors whose first dimensions agree; batches are gathered by index. */
public final class TensorDataset implements Dataset {
    private final Tensor inputs, targets;

    public TensorDataset(Tensor inputs, Tensor targets) {
        if (inputs.dim() == 0 || targets.dim() == 0 || inputs.size(0) != targets.size(0)) {
            throw new IllegalArgumentException("inputs " + Arrays.toString(inputs.shape()) + " and targets "
                    + Arrays.toString(targets.shape()) + " must have the same first dimension");
        }
        inputs.handle().retainReference(); // the dataset owns its tensors beyond any scope
        targets.handle().retainReference();
        this.inputs = inputs;
        this.targets = targets;
    }

    @Override public long size() {
        return inputs.size(0);
    }

    @Override public Batch get(long[] indices) {
        Tensor idx = Tensor.of(indices);
        return new Batch(Tensor.call(() -> inputs.handle().index_select(0, idx.handle())),
                Tensor.call(() -> targets.handle().index_select(0, idx.handle())));
    }

    public Tensor inputs() {
        return inputs;
    }

    public Tensor targets() {
        return targets;
    }
}
