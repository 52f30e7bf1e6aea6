package dev.torch4j.train;

import dev.torch4j.tensor.Tensor;

import java.util.Arrays;

/** Accuracy measures on one batch (or a whole set of outputs). */
public final class Metrics {
    private Metrics() {}

    /** Fraction of rows of {@code logits} [N, C] whose largest entry is at the label [N]. */
    public static double accuracy(Tensor logits, Tensor labels) {
        return correct(logits, labels) / (double) labels.size(0);
    }

    /** How many rows of {@code logits} [N, C] predict their label. */
    public static long correct(Tensor logits, Tensor labels) {
        checkRows(logits, labels);
        return logits.argmax(1).eq(labels.to(logits.device())).sum().itemLong();
    }

    /**
     * Binary accuracy for one output per sample ([N] or [N, 1]): logits are thresholded at 0, probabilities
     * at {@code threshold}; labels are 0/1.
     */
    public static double binaryAccuracy(Tensor output, Tensor labels, boolean fromLogits, double threshold) {
        Tensor o = output.reshape(-1), y = labels.reshape(-1).to(output.device()).float32();
        if (o.size(0) != y.size(0)) throw new IllegalArgumentException("outputs " + Arrays.toString(output.shape()) + " and labels " + Arrays.toString(labels.shape()) + " differ in size");
        Tensor predicted = (fromLogits ? o.gt(0) : o.gt(threshold)).float32();
        return predicted.eq(y).float32().mean().item();
    }

    /** Fraction of rows whose label is among the {@code k} largest logits. */
    public static double topK(Tensor logits, Tensor labels, int k) {
        checkRows(logits, labels);
        if (k < 1 || k > logits.size(1)) throw new IllegalArgumentException("k must be in [1, " + logits.size(1) + "], got " + k);
        // the label is in the top k when fewer than k logits are strictly larger than the label's logit
        Tensor labelLogit = Tensor.wrap(logits.handle().gather(1, labels.to(logits.device()).reshape(-1, 1).handle()));
        Tensor larger = logits.gt(labelLogit).float32().sum(1, false);
        return larger.lt(k).float32().mean().item();
    }

    private static void checkRows(Tensor logits, Tensor labels) {
        if (logits.dim() != 2 || labels.dim() != 1 || logits.size(0) != labels.size(0)) {
            throw new IllegalArgumentException("expected logits [N, C] and labels [N], got " + Arrays.toString(logits.shape())
                    + " and " + Arrays.toString(labels.shape()));
        }
    }
}
