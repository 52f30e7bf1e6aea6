package dev.torch4j.nn;

/** Restores the training/evaluation mode every module had when it was opened; see {@link Module#evalScope()}. */
@FunctionalInterface
public interface ModeScope extends AutoCloseable {
    @Override void close();
}
