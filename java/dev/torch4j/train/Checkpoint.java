package dev.torch4j.train;

import dev.torch4j.nn.Module;

import java.nio.file.Path;

/**
 * Saves the model's weights ({@code .safetensors}, written atomically) whenever the monitored metric
 * improves: {@code Checkpoint.bestBy("val_loss", path)}; losses are minimised, accuracies maximised.
 */
public final class Checkpoint implements Callback {
    private final String metric;
    private final boolean maximise;
    private final Path file;
    private double best;
    private int bestEpoch;

    private Checkpoint(String metric, Path file) {
        this.metric = metric;
        this.maximise = metric.endsWith("acc");
        this.file = file;
        this.best = maximise ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    public static Checkpoint bestBy(String metric, Path file) {
        new EpochResult(0, 0, 0, 0, 0, 0, 0).get(metric); // fails early on an unknown metric name
        return new Checkpoint(metric, file);
    }

    @Override public boolean onEpochEnd(EpochResult r, Module model) {
        double v = r.get(metric);
        if (Double.isNaN(v)) throw new IllegalStateException("checkpoint monitors " + metric + " but epoch " + r.epoch() + " has none (no validation set?)");
        if (maximise ? v > best : v < best) {
            best = v;
            bestEpoch = r.epoch();
            model.save(file);
        }
        return false;
    }

    /** The epoch whose weights are in the file (0 before any). */
    public int bestEpoch() {
        return bestEpoch;
    }

    public double best() {
        return best;
    }

    public Path file() {
        return file;
    }
}
