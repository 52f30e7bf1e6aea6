package dev.torch4j.nn;

/** Restores the training/evaluation mode every module had when it was opened; see {@link Layer#evalScope()}. */
@FunctionalInterface
public interface ModeScope extends AutoCloseable {
    @Override void close();
}
