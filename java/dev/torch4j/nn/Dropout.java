package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/** Zeroes each element with probability p in training (scaling the rest by 1/(1-p)); identity in evaluation. */
public final class Dropout extends Layer {
    private final double p;

    private Dropout(double p) {
        if (!(p >= 0 && p <= 1)) throw dev.torch4j.config.Check.refused("Dropout", "p", "in [0, 1]", String.valueOf(p));
        this.p = p;
    }

    /** p = 0.5, PyTorch's default. */
    public static Dropout of() {
        return new Dropout(0.5);
    }

    public static Dropout of(double p) {
        return new Dropout(p);
    }

    @Override public Tensor forward(Tensor x) {
        return F.dropout(x, p, isTraining());
    }

    @Override protected String extraRepr() {
        return "p=" + p + ", inplace=False";
    }
}
