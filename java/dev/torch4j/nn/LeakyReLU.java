package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/** max(0, x) + slope * min(0, x); slope 0.01 by default, as in PyTorch. */
public final class LeakyReLU extends Layer {
    private final double slope;

    private LeakyReLU(double slope) {
        this.slope = slope;
    }

    public static LeakyReLU of() {
        return new LeakyReLU(0.01);
    }

    public static LeakyReLU of(double negativeSlope) {
        return new LeakyReLU(negativeSlope);
    }

    @Override public Tensor forward(Tensor x) {
        return F.leakyRelu(x, slope);
    }

    @Override protected String extraRepr() {
        return "negative_slope=" + slope;
    }
}
