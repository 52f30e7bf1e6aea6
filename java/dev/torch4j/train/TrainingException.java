package dev.torch4j.train;

/** Training cannot go on (a non-finite loss, bad batches); the message names the epoch and step. */
public class TrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
