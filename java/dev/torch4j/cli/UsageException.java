package dev.torch4j.cli;

/** A command line that cannot be run; its message is shown with the usage hint. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
