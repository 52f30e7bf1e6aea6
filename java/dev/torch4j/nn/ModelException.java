package dev.torch4j.nn;

import java.util.Arrays;

/**
 * A failure inside a model's forward, located: the message names the layer (its path in the model, e.g.
 * {@code 9} or {@code fc_layers.0}, and its description) and the shape it was given.
 */
public class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final String layer;
    private final long[] inputShape;
    private final String reason;

    ModelException(String path, String layer, long[] inputShape, String reason, Throwable cause) {
        super(message(path, layer, inputShape, reason), cause);
        this.path = path;
        this.layer = layer;
        this.inputShape = inputShape.clone();
        this.reason = reason;
    }

    private static String message(String path, String layer, long[] shape, String reason) {
        String where = path.isEmpty() ? "model" : "layer " + path;
        return where + " (" + layer + ") failed on input of shape " + Arrays.toString(shape) + ": " + reason;
    }

    /** The same failure seen from the parent that registered the failing module as {@code name}. */
    ModelException within(String name) {
        if (name == null || name.isEmpty()) return this;
        ModelException e = new ModelException(path.isEmpty() ? name : name + "." + path, layer, inputShape, reason, getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** Dotted path of the failing layer from the model's root ("" for the root itself). */
    public String path() {
        return path;
    }

    public String layer() {
        return layer;
    }

    public long[] inputShape() {
        return inputShape.clone();
    }

    /** What went wrong, without the location. */
    public String reason() {
        return reason;
    }
}
