package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/** Hyperbolic tangent. */
public final class Tanh extends Layer {
    private Tanh() {}

    public static Tanh of() {
        return new Tanh();
    }

    @Override public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
