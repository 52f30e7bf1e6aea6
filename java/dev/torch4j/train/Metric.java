package dev.torch4j.train;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;

import java.util.Arrays;

/**
 * A figure computed from a model's outputs and the targets, by name ({@code acc} appears as {@code train_acc} and
 * {@code val_acc} in the history, in callbacks, CSV/JSON, curves, {@link Checkpoint#bestBy} and {@link EarlyStopping}).
 *
 * <p>A metric says what to add up per batch ({@link #totals}: a small float64 tensor on the outputs' device, e.g.
 * correct predictions and samples) and how to turn an epoch's sums into the figure ({@link #value}). The trainer adds
 * the totals on the device and reads them once per epoch, so a metric costs no host synchronisation per step, its
 * running state survives a snapshot, and sums from several processes simply add up.
 *
 * <pre>{@code
 * Metric top5 = Metric.topK(5);                     // appears as train_top5 / val_top5
 * Metric f1 = new Metric() { ... };                 // e.g. per-class TP, FP, FN as totals
 * trainer.metrics(top5, f1);
 * }</pre>
 */
public interface Metric {
    /** The name in the history, without the train_/val_ prefix; letters, digits and '_'. */
    String name();

    /** This batch's totals, as a 1-d float64 tensor (same length every batch) on the device of {@code outputs}. */
    Tensor totals(Tensor outputs, Tensor targets);

    /** The metric from the totals summed over an epoch. */
    double value(double[] totals);

    /**
     * Classification accuracy ({@code acc}): argmax for outputs [N, C] with C > 1; for one output per sample, a logit
     * above 0 means class 1.
     */
    static Metric accuracy() {
        return new Accuracy(false);
    }

    /** Binary accuracy ({@code acc}) for a model that outputs probabilities (ends in Sigmoid): above 0.5 means class 1. */
    static Metric accuracyOfProbabilities() {
        return new Accuracy(true);
    }

    /** The fraction of rows whose label is among the {@code k} largest outputs ({@code top<k>}). */
    static Metric topK(int k) {
        if (k < 1) throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
        return new Metric() {
            @Override public String name() {
                return "top" + k;
            }

            @Override public Tensor totals(Tensor outputs, Tensor targets) {
                if (outputs.dim() != 2 || k > outputs.size(1)) {
                    throw new IllegalArgumentException("top" + k + " needs outputs [N, C] with C >= " + k + ", got " + Arrays.toString(outputs.shape()));
                }
                Tensor labelScore = Tensor.wrap(outputs.handle().gather(1, targets.to(outputs.device()).reshape(-1, 1).handle()));
                // the label is among the k largest when fewer than k outputs are strictly larger than its own
                Tensor hits = outputs.gt(labelScore).float32().sum(1, false).lt(k).to(DType.FLOAT64).sum();
                return Tensor.stack(java.util.List.of(hits, Tensor.scalar(outputs.size(0)).to(outputs.device()).to(DType.FLOAT64)), 0);
            }

            @Override public double value(double[] t) {
                return t[1] == 0 ? Double.NaN : t[0] / t[1];
            }
        };
    }

    /** Accuracy as the trainer has always measured it. */
    final class Accuracy implements Metric {
        private final boolean probabilities;

        private Accuracy(boolean probabilities) {
            this.probabilities = probabilities;
        }

        @Override public String name() {
            return "acc";
        }

        @Override public Tensor totals(Tensor out, Tensor y) {
            Tensor correct;
            if (out.dim() == 2 && out.size(1) > 1) {
                if (y.dim() != 1 || y.size(0) != out.size(0)) {
                    throw new IllegalArgumentException("accuracy needs labels [" + out.size(0) + "] for outputs " + Arrays.toString(out.shape())
                            + ", got " + Arrays.toString(y.shape()));
                }
                correct = out.argmax(1).eq(y.to(out.device())).to(DType.FLOAT64).sum();
            } else {
                Tensor predicted = probabilities ? out.reshape(-1).gt(0.5) : out.reshape(-1).gt(0);
                correct = predicted.eq(y.to(out.device()).reshape(-1).gt(0.5)).to(DType.FLOAT64).sum();
            }
            return Tensor.stack(java.util.List.of(correct, Tensor.scalar(out.size(0)).to(out.device()).to(DType.FLOAT64)), 0);
        }

        @Override public double value(double[] t) {
            return t[1] == 0 ? Double.NaN : t[0] / t[1];
        }
    }
}
