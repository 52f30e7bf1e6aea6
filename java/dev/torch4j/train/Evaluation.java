package dev.torch4j.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A model's figures on a data set: the mean loss, every metric by name ({@code loss}, {@code acc}, ...), the sample count. */
public record Evaluation(Map<String, Double> metrics, long samples) {
    public Evaluation {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    public double loss() {
        return get("loss");
    }

    /** The built-in accuracy (NaN when not measured). */
    public double accuracy() {
        Double v = metrics.get("acc");
        return v == null ? Double.NaN : v;
    }

    public double get(String metric) {
        Double v = metrics.get(metric);
        if (v == null) throw new IllegalArgumentException("unknown metric '" + metric + "'; measured: " + String.join(", ", metrics.keySet()));
        return v;
    }
}
