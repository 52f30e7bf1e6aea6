package dev.torch4j.tensor;

/**
 * An error reported by libtorch, with the C++ stack trace moved out of the message: the message is
 * libtorch's own text; the full native report stays available as the cause.
 */
public class TorchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TorchException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The first part of a libtorch message, before "Exception raised from ..." and its frames. */
    static String essence(String nativeMessage) {
        if (nativeMessage == null) return "libtorch error";
        int cut = nativeMessage.indexOf("\nException raised from");
        String s = cut >= 0 ? nativeMessage.substring(0, cut) : nativeMessage;
        return s.strip();
    }

    /** Wraps a libtorch {@link RuntimeException} (already-translated ones pass through). */
    public static RuntimeException from(RuntimeException e) {
        if (e instanceof TorchException || !isNative(e)) return e;
        return new TorchException(essence(e.getMessage()), e);
    }

    private static boolean isNative(RuntimeException e) {
        // JavaCPP rethrows C++ exceptions as plain RuntimeException from native frames.
        return e.getClass() == RuntimeException.class;
    }
}
