package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/** Softmax along a dimension. */
public final class Softmax extends Layer {
    private final int dim;

    private Softmax(int dim) {
        this.dim = dim;
    }

    public static Softmax of(int dim) {
        return new Softmax(dim);
    }

    @Override public Tensor forward(Tensor x) {
        return F.softmax(x, dim);
    }

    @Override protected String extraRepr() {
        return "dim=" + dim;
    }
}
