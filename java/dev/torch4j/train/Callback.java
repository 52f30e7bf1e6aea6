package dev.torch4j.train;

import dev.torch4j.nn.Module;

/** Hooks into a training run; every method has a do-nothing default. */
public interface Callback {
    default void onFitStart(Module model, int epochs) {}

    /** After each training batch: epoch (1-based), step within the epoch (1-based), steps per epoch, batch loss. */
    default void onBatchEnd(int epoch, long step, long steps, double loss, long samples) {}

    /** After each epoch; return true to stop training. */
    default boolean onEpochEnd(EpochResult result, Module model) {
        return false;
    }

    default void onFitEnd(History history, Module model) {}
}
