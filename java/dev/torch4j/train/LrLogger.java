package dev.torch4j.train;

import dev.torch4j.nn.Layer;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** Prints the learning rate whenever it changes from one epoch to the next. */
public final class LrLogger implements Callback {
    /** Rank 0 only in a data-parallel run. */
    @Override public boolean mainProcessOnly() {
        return true;
    }

    private final PrintStream out;
    private double last = Double.NaN;

    public LrLogger(PrintStream out) {
        this.out = out;
    }

    public static LrLogger console() {
        return new LrLogger(System.out);
    }

    @Override public boolean onEpochEnd(EpochResult r, Layer model) {
        if (r.lr() != last) out.printf(Locale.ROOT, "epoch %d: learning rate %.6g%n", r.epoch(), r.lr());
        last = r.lr();
        return false;
    }

    @Override public Map<String, Object> state() {
        return Double.isNaN(last) ? Map.of() : Map.of("last", last);
    }

    @Override public void loadState(Map<String, Object> s) {
        if (s.containsKey("last")) last = Callback.number(s.get("last"));
    }
}
