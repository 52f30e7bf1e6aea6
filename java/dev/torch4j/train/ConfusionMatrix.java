package dev.torch4j.train;

import dev.torch4j.tensor.Tensor;

import java.util.Arrays;

/** Counts of (true class, predicted class) pairs: rows are true classes, columns predictions (as scikit-learn). */
public final class ConfusionMatrix {
    private final long[][] counts;

    public ConfusionMatrix(int classes) {
        if (classes < 1) throw new IllegalArgumentException("need at least one class, got " + classes);
        counts = new long[classes][classes];
    }

    /** Adds a batch: predicted and true class indices [N]. Returns this. */
    public ConfusionMatrix add(Tensor predicted, Tensor labels) {
        long[] p = predicted.toLongArray(), y = labels.toLongArray();
        if (p.length != y.length) throw new IllegalArgumentException(p.length + " predictions for " + y.length + " labels");
        for (int i = 0; i < p.length; i++) add((int) y[i], (int) p[i]);
        return this;
    }

    /** Adds a batch of logits [N, C] (prediction = argmax). */
    public ConfusionMatrix addLogits(Tensor logits, Tensor labels) {
        return add(logits.argmax(1), labels);
    }

    public void add(int trueClass, int predictedClass) {
        int n = counts.length;
        if (trueClass < 0 || trueClass >= n || predictedClass < 0 || predictedClass >= n) {
            throw new IllegalArgumentException("class out of range [0, " + (n - 1) + "]: true " + trueClass + ", predicted " + predictedClass);
        }
        counts[trueClass][predictedClass]++;
    }

    public int classes() {
        return counts.length;
    }

    public long count(int trueClass, int predictedClass) {
        return counts[trueClass][predictedClass];
    }

    public long[][] counts() {
        long[][] c = new long[counts.length][];
        for (int i = 0; i < c.length; i++) c[i] = counts[i].clone();
        return c;
    }

    public long total() {
        return Arrays.stream(counts).flatMapToLong(Arrays::stream).sum();
    }

    public double accuracy() {
        long diag = 0;
        for (int i = 0; i < counts.length; i++) diag += counts[i][i];
        long t = total();
        return t == 0 ? 0 : diag / (double) t;
    }

    /** Samples whose true class is {@code c}. */
    public long support(int c) {
        return Arrays.stream(counts[c]).sum();
    }

    /** Samples predicted as {@code c}. */
    public long predicted(int c) {
        long s = 0;
        for (long[] row : counts) s += row[c];
        return s;
    }
}
