package dev.torch4j.shim;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

import java.util.logging.Logger;

/**
 * The native shim, loaded on first use. When its library cannot be loaded, everything that does not
 * need it keeps working; {@link #require(String)} explains what is missing, and a warning is logged once.
 */
public final class Shim {
    private static final Logger LOG = Logger.getLogger(Shim.class.getName());
    private static volatile Boolean loaded;
    private static volatile Throwable loadError;

    private Shim() {}

    /** True when the shim's native library is loaded (it is looked up once). */
    public static boolean available() {
        Boolean l = loaded;
        if (l == null) {
            synchronized (Shim.class) {
                if (loaded == null) {
                    try {
                        Class.forName(NativeShim.class.getName(), true, Shim.class.getClassLoader());
                        loaded = true;
                    } catch (Throwable e) {
                        loadError = e;
                        loaded = false;
                        LOG.warning(missingMessage());
                    }
                }
                l = loaded;
            }
        }
        return l;
    }

    /** Throws an {@link IllegalStateException} naming {@code feature} when the shim is not available. */
    public static void require(String feature) {
        if (!available()) throw new IllegalStateException(feature + " needs the torch4j native shim. " + missingMessage(), loadError);
    }

    static String missingMessage() {
        return "The shim library (torch4j_shim) could not be loaded for platform "
                + org.bytedeco.javacpp.Loader.getPlatform() + ": " + (loadError == null ? "unknown reason" : loadError)
                + ". Put the native jar for this platform on the class path: " + nativeArtifact()
                + ", or build it with `mvn package` (needs CMake and a C++ compiler).";
    }

    /** The Maven coordinates (and file name) of the native jar for the running platform. */
    static String nativeArtifact() {
        Package pkg = Shim.class.getPackage();
        // the jar's manifest has the version; run from a classes directory there is none to give
        String version = pkg == null || pkg.getImplementationVersion() == null ? "<version>" : pkg.getImplementationVersion();
        String platform = org.bytedeco.javacpp.Loader.getPlatform();
        return "dev.torch4j:torch4j:" + version + ":native-" + platform + " (torch4j-native-" + platform + ".jar)";
    }

    /** The shim's version, or "unavailable". */
    public static String version() {
        if (!available()) return "unavailable";
        return NativeShim.t4j_version().getString();
    }

    /**
     * Converts uint8 images (n x h x w x c when {@code channelsLast}, else n x c x h x w) to normalised
     * float32 NCHW in {@code dst}: (v / 255 - mean) / std per channel; null mean/std mean 0 and 1.
     */
    public static void u8ToF32(Pointer src, Pointer dst, long n, long h, long w, long c, boolean channelsLast,
                               float[] mean, float[] std, int threads) {
        require("Image conversion");
        if (mean != null && mean.length != c) throw new IllegalArgumentException("mean has " + mean.length + " values for " + c + " channels");
        if (std != null && std.length != c) throw new IllegalArgumentException("std has " + std.length + " values for " + c + " channels");
        try (FloatPointer m = mean == null ? null : new FloatPointer(mean);
             FloatPointer s = std == null ? null : new FloatPointer(std)) {
            int rc = NativeShim.t4j_u8_to_f32(src, dst, n, h, w, c,
                    channelsLast ? NativeShim.LAYOUT_NHWC : NativeShim.LAYOUT_NCHW, m, s, threads);
            if (rc != NativeShim.OK) {
                throw new IllegalArgumentException("image conversion refused: n=" + n + " h=" + h + " w=" + w + " c=" + c
                        + " (sizes must be positive and std non-zero)");
            }
        }
    }

    /** Applies glibc allocator thresholds; 1 applied, 0 not glibc, -1 refused or shim missing. */
    public static int tuneAllocator(long mmapThreshold, long trimThreshold) {
        if (!available()) return -1;
        return NativeShim.t4j_tune_allocator(mmapThreshold, trimThreshold);
    }
}
