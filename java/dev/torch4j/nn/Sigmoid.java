package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/** Logistic sigmoid, 1 / (1 + exp(-x)). */
public final class Sigmoid extends Layer {
    private Sigmoid() {}

    public static Sigmoid of() {
        return new Sigmoid();
    }

    @Override public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
