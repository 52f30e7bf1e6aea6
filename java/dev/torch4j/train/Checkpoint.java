package dev.torch4j.train;

import dev.torch4j.nn.Layer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Saves the model's weights ({@code .safetensors}, written atomically, with checksums) whenever the monitored metric
 * improves: {@code Checkpoint.bestBy("val_loss", path)}; losses are minimised, everything else (accuracies, user
 * metrics) maximised. The best value so far is part of a snapshot, so a resumed run does not overwrite the file with
 * a worse epoch.
 */
public final class Checkpoint implements Callback {
    /** Rank 0 only in a data-parallel run. */
    @Override public boolean mainProcessOnly() {
        return true;
    }

    private final String metric;
    private final boolean maximise;
    private final Path file;
    private double best;
    private int bestEpoch;

    private Checkpoint(String metric, Path file) {
        if (metric == null || metric.isBlank()) throw new IllegalArgumentException("Checkpoint needs a metric name such as val_loss");
        this.metric = metric;
        this.maximise = !metric.endsWith("loss");
        this.file = file;
        this.best = maximise ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    public static Checkpoint bestBy(String metric, Path file) {
        return new Checkpoint(metric, file);
    }

    @Override public List<String> monitors() {
        return List.of(metric);
    }

    @Override public boolean onEpochEnd(EpochResult r, Layer model) {
        double v = r.get(metric);
        if (Double.isNaN(v)) throw new IllegalStateException("checkpoint monitors " + metric + " but epoch " + r.epoch() + " has no value for it");
        if (maximise ? v > best : v < best) {
            best = v;
            bestEpoch = r.epoch();
            model.save(file);
        }
        return false;
    }

    @Override public Map<String, Object> state() {
        return Map.of("best", best, "best_epoch", bestEpoch);
    }

    @Override public void loadState(Map<String, Object> s) {
        best = Callback.number(s.get("best"));
        bestEpoch = (int) Callback.number(s.get("best_epoch"));
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
