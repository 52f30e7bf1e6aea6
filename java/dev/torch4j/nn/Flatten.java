package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/** Flattens dimensions start..end (default 1..-1: everything but the batch). */
public final class Flatten extends Layer {
    private final int start, end;

    private Flatten(int start, int end) {
        this.start = start;
        this.end = end;
    }

    public static Flatten of() {
        return new Flatten(1, -1);
    }

    public static Flatten of(int startDim, int endDim) {
        return new Flatten(startDim, endDim);
    }

    @Override public Tensor forward(Tensor x) {
        return F.flatten(x, start, end);
    }

    @Override protected String extraRepr() {
        return "start_dim=" + start + ", end_dim=" + end;
    }
}
