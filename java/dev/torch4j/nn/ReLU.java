package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/** Rectified linear unit, max(0, x). */
public final class ReLU extends Layer {
    private ReLU() {}

    public static ReLU of() {
        return new ReLU();
    }

    @Override public Tensor forward(Tensor x) {
        return x.relu();
    }
}
