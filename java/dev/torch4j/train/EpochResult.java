package dev.torch4j.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One epoch's (or, when training by iterations, one validation period's) figures by name: {@code train_loss},
 * {@code train_<metric>} for every metric (built in: {@code train_acc}), the same with {@code val_} when there is a
 * validation set, {@code lr} (at the start of the epoch) and {@code seconds}.
 */
public record EpochResult(int epoch, Map<String, Double> metrics) {
    public EpochResult {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** A figure by name; unknown names are an error that lists the known ones. */
    public double get(String metric) {
        if (metric.equals("epoch")) return epoch;
        Double v = metrics.get(metric);
        if (v == null) throw new IllegalArgumentException("unknown metric '" + metric + "'; this run has: epoch, " + String.join(", ", metrics.keySet()));
        return v;
    }

    /** A figure by name, NaN when this epoch does not have it. */
    public double getOrNaN(String metric) {
        Double v = metrics.get(metric);
        return v == null ? Double.NaN : v;
    }

    public double trainLoss() {
        return getOrNaN("train_loss");
    }

    public double trainAccuracy() {
        return getOrNaN("train_acc");
    }

    public double validLoss() {
        return getOrNaN("val_loss");
    }

    public double validAccuracy() {
        return getOrNaN("val_acc");
    }

    public double lr() {
        return getOrNaN("lr");
    }

    public double seconds() {
        return getOrNaN("seconds");
    }
}
