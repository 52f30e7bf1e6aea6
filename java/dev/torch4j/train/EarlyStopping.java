package dev.torch4j.train;

import dev.torch4j.nn.Layer;

import java.util.List;
import java.util.Map;

/**
 * Stops training when the monitored metric has not improved for {@code patience} epochs (losses minimised, other
 * metrics maximised). Its best value and counter are part of a snapshot.
 */
public final class EarlyStopping implements Callback {
    private final String metric;
    private final int patience;
    private final boolean maximise;
    private double best;
    private int waited;

    private EarlyStopping(String metric, int patience) {
        dev.torch4j.config.Check.atLeast("EarlyStopping", "patience", patience, 1);
        dev.torch4j.config.Check.present("EarlyStopping", "metric", metric);
        this.metric = metric;
        this.patience = patience;
        this.maximise = !metric.endsWith("loss");
        this.best = maximise ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /** Stops after {@code patience} epochs without a better val_loss. */
    public static EarlyStopping of(int patience) {
        return new EarlyStopping("val_loss", patience);
    }

    /** Stops after {@code patience} epochs without a better {@code metric} (higher is better unless its name ends in "loss"). */
    public static EarlyStopping of(int patience, String metric) {
        return new EarlyStopping(metric, patience);
    }

    @Override public List<String> monitors() {
        return List.of(metric);
    }

    @Override public boolean onEpochEnd(EpochResult r, Layer model) {
        double v = r.get(metric);
        if (maximise ? v > best : v < best) {
            best = v;
            waited = 0;
            return false;
        }
        return ++waited >= patience;
    }

    @Override public Map<String, Object> state() {
        return Map.of("best", best, "waited", waited);
    }

    @Override public void loadState(Map<String, Object> s) {
        best = Callback.number(s.get("best"));
        waited = (int) Callback.number(s.get("waited"));
    }
}
