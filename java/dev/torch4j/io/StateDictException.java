package dev.torch4j.io;

/** A state dict that does not fit a model, or a weights file that cannot be read; the message says which key or byte. */
public class StateDictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StateDictException(String message) {
        super(message);
    }

    public StateDictException(String message, Throwable cause) {
        super(message, cause);
    }
}
