package dev.torch4j.train;

import dev.torch4j.nn.Layer;

import java.util.List;
import java.util.Map;

/**
 * The way into a training run (Keras' and Lightning's callbacks): every method has a do-nothing default.
 *
 * <p>A callback that keeps something across epochs (a best value, a patience counter) returns it from
 * {@link #state()} and takes it back in {@link #loadState}: snapshots store it, so a resumed run continues with the
 * same best value. Values are JSON-like: numbers, strings, booleans, lists and maps of them.
 */
public interface Callback {
    /** Before the first step (and, in a resumed run, after the snapshot's state was put back). */
    default void onFitStart(FitContext fit) {}

    /** After each training step. Reading {@link StepInfo#loss()} waits for the device; skip it when not needed. */
    default void onBatchEnd(StepInfo step) {}

    /** After each epoch (validation period); return true to stop training. */
    default boolean onEpochEnd(EpochResult result, Layer model) {
        return false;
    }

    default void onFitEnd(History history, Layer model) {}

    /** The metrics this callback reads (e.g. val_loss): checked against what the run measures when fit starts. */
    default List<String> monitors() {
        return List.of();
    }

    /**
     * True for a callback that only reports (prints progress, writes checkpoints or history files): in a data-parallel
     * run it runs on rank 0 alone, so that each line and file appears once. Callbacks that decide something
     * ({@link EarlyStopping}) run on every rank (the default), and any rank's request to stop stops them all.
     */
    default boolean mainProcessOnly() {
        return false;
    }

    /** What this callback must remember across a resume; empty for a callback without state. */
    default Map<String, Object> state() {
        return Map.of();
    }

    /** Takes back what {@link #state()} returned in the run that wrote the snapshot. */
    default void loadState(Map<String, Object> state) {}

    /**
     * A number from a saved state: JSON keeps NaN and infinities as the words NaN, Infinity and -Infinity, which come
     * back as strings; this reads either form.
     */
    static double number(Object v) {
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof String s) return Double.parseDouble(s);
        throw new IllegalArgumentException("expected a number in the saved state, got " + v);
    }
}
