package dev.torch4j.data;

import dev.torch4j.tensor.Tensor;

/** A batch: inputs [N, ...] and targets [N] (class indices) or [N, ...] (values). */
public record Batch(Tensor inputs, Tensor targets) {
    public long size() {
        return inputs.size(0);
    }
}
