package dev.torch4j.train;

/** How a loss combines its per-sample values, with libtorch's codes. */
public enum Reduction {
    NONE(0), MEAN(1), SUM(2);

    final long code;

    Reduction(long code) {
        this.code = code;
    }
}
