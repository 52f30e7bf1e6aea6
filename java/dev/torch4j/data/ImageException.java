package dev.torch4j.data;

import java.nio.file.Path;

/** An image file that could not be read or transformed; names the file and the reason. */
public class ImageException extends RuntimeException {
    private final transient Path path;

    public ImageException(Path path, String reason) {
        super("cannot use image " + path + ": " + reason);
        this.path = path;
    }

    public ImageException(String message) {
        super(message);
        this.path = null;
    }

    /** The file at fault (null when the message covers several). */
    public Path path() {
        return path;
    }
}
