package dev.torch4j.shim;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The native shim, loaded on first use. When its library cannot be loaded, everything that does not
 * need it keeps working; {@link #require(String)} explains what is missing, and a warning is logged once.
 */
public final class Shim {
    private static final System.Logger LOG = System.getLogger(Shim.class.getName()); // the application's logging receives it
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
                        String userPath = userPath();
                        if (userPath != null) addToSearchPath(userPath);
                        Class.forName(NativeShim.class.getName(), true, Shim.class.getClassLoader());
                        loaded = true;
                        if (userPath != null && !loadedFrom().startsWith(Path.of(userPath).toAbsolutePath().normalize().toString())) {
                            LOG.log(System.Logger.Level.WARNING, PATH_PROPERTY + " is " + userPath + " but the shim was loaded from the class path ("
                                    + loadedFrom() + "), which is searched first: to use yours, take the jar that carries it"
                                    + " (torch4j-native-" + NativePlatform.current() + ".jar or a jar with the shim inside) off the class path");
                        }
                    } catch (Throwable e) {
                        loadError = explain(e, userPath());
                        loaded = false;
                        LOG.log(System.Logger.Level.WARNING, missingMessage());
                    }
                }
                l = loaded;
            }
        }
        return l;
    }

    /**
     * Where to look for the shim when the class path has no native jar for this platform: a directory holding
     * {@code libtorch4j_shim} and its JNI glue {@code libjniNativeShim} (as {@code mvn package} leaves them in
     * {@code target/classes/dev/torch4j/shim/<platform>/}). System property {@value}, or environment variable
     * {@code TORCH4J_SHIM_PATH}.
     */
    public static final String PATH_PROPERTY = "torch4j.shim.path";

    static String userPath() {
        String p = System.getProperty(PATH_PROPERTY);
        if (p == null || p.isBlank()) p = System.getenv("TORCH4J_SHIM_PATH");
        return p == null || p.isBlank() ? null : p;
    }

    /** Checks that {@code dir} holds both libraries and hands it to JavaCPP's library search. */
    private static void addToSearchPath(String dir) {
        Path d = Path.of(dir);
        if (!Files.isDirectory(d)) throw new UnsatisfiedLinkError(PATH_PROPERTY + "=" + dir + " is not a directory");
        for (String lib : new String[] {"torch4j_shim", "jniNativeShim"}) {
            String file = System.mapLibraryName(lib);
            if (!Files.isRegularFile(d.resolve(file))) {
                throw new UnsatisfiedLinkError(PATH_PROPERTY + "=" + dir + " has no " + file
                        + " (it needs both " + System.mapLibraryName("torch4j_shim") + " and " + System.mapLibraryName("jniNativeShim") + ")");
            }
        }
        String key = "org.bytedeco.javacpp.platform.preloadpath", old = System.getProperty(key);
        System.setProperty(key, d.toAbsolutePath().normalize() + (old == null || old.isEmpty() ? "" : File.pathSeparator + old));
    }

    /** The file the shim's library was loaded from, or "" when it is not loaded. */
    public static String loadedFrom() {
        if (!available()) return "";
        for (var e : org.bytedeco.javacpp.Loader.getLoadedLibraries().entrySet()) {
            if (e.getKey().contains("torch4j_shim")) return e.getValue();
        }
        return "";
    }

    /** Throws an {@link IllegalStateException} naming {@code feature} when the shim is not available. */
    public static void require(String feature) {
        if (!available()) throw new IllegalStateException(feature + " needs the torch4j native shim. " + missingMessage(), loadError);
    }

    static String missingMessage() {
        return missingMessage(NativePlatform.current(), loadError, userPath());
    }

    /** A load failure whose message says what failed: the library was not found, or found with a dependency missing. */
    static final class LoadFailure extends UnsatisfiedLinkError {
        private static final long serialVersionUID = 1L;
        final boolean found;

        LoadFailure(String message, boolean found, Throwable cause) {
            super(message);
            this.found = found;
            initCause(cause);
        }
    }

    /**
     * Finds the real reason behind JavaCPP's error, which names the JNI glue (jniNativeShim) whatever failed: is the
     * shim's library on the class path (or in the user's directory) at all, and if so, what does the system's loader
     * say when asked to load it (typically the name of a missing dependency)?
     */
    static Throwable explain(Throwable error, String userPath) {
        String platform = NativePlatform.current(), lib = System.mapLibraryName("torch4j_shim");
        String resource = platform + "/" + lib;
        java.net.URL url = NativeShim.class.getResource(resource);
        if (url == null && userPath == null) {
            return new LoadFailure("no dev/torch4j/shim/" + resource + " on the class path", false, error);
        }
        if (url == null && error.getMessage() != null && error.getMessage().contains(PATH_PROPERTY)) return error; // named already
        try {
            File file = url != null ? org.bytedeco.javacpp.Loader.cacheResource(NativeShim.class, resource) : Path.of(userPath, lib).toFile();
            String where = url != null ? url.toString() : file.toString();
            try {
                System.load(file.getAbsolutePath());
            } catch (UnsatisfiedLinkError real) {
                return new LoadFailure("found " + where + " but it cannot be loaded: " + real.getMessage(), true, error);
            }
        } catch (Exception | UnsatisfiedLinkError e) {
            return error; // cannot look closer: keep what JavaCPP said
        }
        return error; // the shim itself loads: the failure is in its JNI glue, which JavaCPP's message names
    }

    static String missingMessage(String platform, Throwable error, String userPath) {
        String reason = error == null ? "unknown reason" : error instanceof LoadFailure ? error.getMessage() : error.toString();
        if (userPath != null && !reason.contains(PATH_PROPERTY)) reason += " (" + PATH_PROPERTY + "=" + userPath + ")";
        String fix;
        if (error instanceof LoadFailure f && f.found) {
            fix = "A library it needs is missing on this machine (named above). The native jars torch4j publishes carry libjpeg,"
                    + " libpng and zlib themselves; a shim built with -DTORCH4J_BUNDLE_IMAGE_LIBS=OFF uses the system's: install them"
                    + " (Debian/Ubuntu: libjpeg62-turbo or libjpeg-turbo8, libpng16-16) or build with the default.";
        } else if (NativePlatform.supported(platform)) {
            fix = "Put the native jar for this platform on the class path: " + nativeArtifact(platform)
                    + ", or set -D" + PATH_PROPERTY + " to a directory holding the libraries that `mvn package` builds"
                    + " (target/classes/dev/torch4j/shim/" + platform + ").";
        } else {
            fix = "torch4j publishes native jars for " + String.join(", ", NativePlatform.SUPPORTED) + " only; on " + platform
                    + " build the shim from source with `mvn package` (needs CMake and a C++ compiler) and set -D" + PATH_PROPERTY + ".";
        }
        return "The shim library (torch4j_shim) could not be loaded for platform " + platform + ": " + reason + ". " + fix;
    }

    /** The Maven coordinates (and file name) of the native jar for the running platform. */
    static String nativeArtifact() {
        return nativeArtifact(NativePlatform.current());
    }

    static String nativeArtifact(String platform) {
        Package pkg = Shim.class.getPackage();
        // the jar's manifest has the version; run from a classes directory there is none to give
        String version = pkg == null || pkg.getImplementationVersion() == null ? "<version>" : pkg.getImplementationVersion();
        return "dev.torch4j:torch4j:" + version + ":native-" + platform + " (torch4j-native-" + platform + ".jar)";
    }

    /** The shim's version, or "unavailable". */
    public static String version() {
        if (!available()) return "unavailable";
        return NativeShim.t4j_version().getString();
    }

    /**
     * Whether the shim's tensor operations (max pooling) run on the calling thread's OpenMP team, the one libtorch
     * runs its own operations on (true once libtorch is loaded, on Linux); false: they start threads of their own.
     */
    public static boolean usesOpenMpTeam() {
        return available() && NativeShim.t4j_uses_openmp_team() == 1;
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

    /**
     * Picks {@code rows} of {@code count} uint8 images [count][c][plane] into float32 [rows.length][c][plane]:
     * (v / 255 - mean) / std per channel with each step rounded as libtorch's float ops round it (mean and std both
     * null: v / 255). False when the shim is missing (the caller converts through libtorch).
     */
    public static boolean u8RowsToF32(Pointer src, long count, long[] rows, long c, long plane, float[] mean, float[] std,
                                      Pointer dst, int threads) {
        if (!available()) return false;
        try (org.bytedeco.javacpp.LongPointer r = new org.bytedeco.javacpp.LongPointer(rows);
             FloatPointer m = mean == null ? null : new FloatPointer(mean);
             FloatPointer s = std == null ? null : new FloatPointer(std)) {
            int rc = NativeShim.t4j_u8_rows_to_f32(src, count, r, rows.length, c, plane, m, s, dst, threads);
            if (rc != NativeShim.OK) {
                throw new IllegalArgumentException("image conversion refused: " + rows.length + " of " + count + " images of " + c
                        + " x " + plane + " pixels (indices in range, mean and std both or neither, std non-zero)");
            }
            return true;
        }
    }

    /** Applies glibc allocator thresholds and top pad; 1 applied, 0 not glibc, -1 refused or shim missing. */
    public static int tuneAllocator(long mmapThreshold, long trimThreshold, long topPad) {
        if (!available()) return -1;
        return NativeShim.t4j_tune_allocator(mmapThreshold, trimThreshold, topPad);
    }

    /**
     * Max pooling of {@code planes} contiguous h x w float planes into {@code y} and the chosen inputs' in-plane indices
     * (int64) into {@code indices} ({@code y} null: indices only); {@code geometry} is kernel h/w, stride h/w, padding
     * h/w, dilation h/w, output h/w.
     * False when the shim is missing or refuses the geometry (the caller then uses libtorch's kernel).
     */
    public static boolean maxPool2d(Pointer x, long planes, long h, long w, long[] geometry, Pointer y, Pointer indices, int threads) {
        if (!available()) return false;
        try (org.bytedeco.javacpp.LongPointer g = new org.bytedeco.javacpp.LongPointer(geometry)) {
            return NativeShim.t4j_max_pool2d_f32(x, planes, h, w, g, y, indices, threads) == NativeShim.OK;
        }
    }

    /**
     * One Adam update of {@code n} contiguous float parameters in place (torch.optim.Adam's step number {@code step},
     * counted from 1); {@code maxExpAvgSq} null without AMSGrad; {@code decoupled}: AdamW's weight decay. False when
     * the shim is missing (the caller then updates through libtorch).
     */
    public static boolean adamStep(Pointer param, Pointer grad, Pointer expAvg, Pointer expAvgSq, Pointer maxExpAvgSq, long n,
                                   double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled, double step) {
        if (!available()) return false;
        return NativeShim.t4j_adam_step_f32(param, grad, expAvg, expAvgSq, maxExpAvgSq, n, lr, beta1, beta2, eps, weightDecay,
                decoupled ? 1 : 0, step) == NativeShim.OK;
    }

    /**
     * The input gradient of a 2-D convolution (dilation 1, one group), NCHW float32, into {@code gradInput};
     * {@code geometry} is n, in channels, in h/w, out channels, kernel h/w, out h/w, stride h/w, padding h/w. False
     * when the shim is missing or refuses the geometry (the caller then lets libtorch compute it).
     */
    public static boolean conv2dGradInput(Pointer gradOutput, Pointer weight, Pointer gradInput, long[] geometry, int threads) {
        if (!available()) return false;
        try (org.bytedeco.javacpp.LongPointer g = new org.bytedeco.javacpp.LongPointer(geometry)) {
            return NativeShim.t4j_conv2d_grad_input_f32(gradOutput, weight, gradInput, g, threads) == NativeShim.OK;
        }
    }

    /**
     * A convolution of an input with few channels (t4j_conv2d_few_channels_f32): NCHW float32 buffers, {@code bias}
     * may be null. False when the shim is missing or refuses the geometry.
     */
    public static boolean conv2dFewChannels(Pointer x, Pointer weight, Pointer bias, Pointer y, long[] geometry, int threads) {
        if (!available()) return false;
        try (org.bytedeco.javacpp.LongPointer g = new org.bytedeco.javacpp.LongPointer(geometry)) {
            return NativeShim.t4j_conv2d_few_channels_f32(x, weight, bias, y, g, threads) == NativeShim.OK;
        }
    }

    /** The weight and bias gradients of {@link #conv2dFewChannels} (either may be null, not both). */
    public static boolean conv2dFewChannelsGradWeight(Pointer x, Pointer gradOutput, Pointer gradWeight, Pointer gradBias,
            long[] geometry, int threads) {
        if (!available()) return false;
        try (org.bytedeco.javacpp.LongPointer g = new org.bytedeco.javacpp.LongPointer(geometry)) {
            return NativeShim.t4j_conv2d_few_channels_grad_weight_f32(x, gradOutput, gradWeight, gradBias, g, threads)
                    == NativeShim.OK;
        }
    }

    /**
     * Batch normalisation in training over contiguous [n][c][p] floats (t4j_batch_norm_train_f32): batch statistics
     * (of max(x, 0) when {@code reluInput}), saved mean and invstd for the backward, running statistics updated when
     * given (both or neither). weight and bias may be null. False when the shim is missing or refuses the arguments.
     */
    public static boolean batchNormTrain(Pointer x, Pointer y, Pointer weight, Pointer bias, Pointer saveMean, Pointer saveInvstd,
            Pointer runningMean, Pointer runningVar, long n, long c, long p, double momentum, double eps, boolean reluInput,
            int threads) {
        if (!available()) return false;
        return NativeShim.t4j_batch_norm_train_f32(x, y, weight, bias, saveMean, saveInvstd, runningMean, runningVar, n, c, p,
                momentum, eps, reluInput ? 1 : 0, threads) == NativeShim.OK;
    }

    /** The input, weight and bias gradients of {@link #batchNormTrain} (any may be null, not all). */
    public static boolean batchNormTrainBackward(Pointer x, Pointer gradOutput, Pointer weight, Pointer saveMean,
            Pointer saveInvstd, Pointer gradInput, Pointer gradWeight, Pointer gradBias, long n, long c, long p,
            boolean reluInput, int threads) {
        if (!available()) return false;
        return NativeShim.t4j_batch_norm_train_backward_f32(x, gradOutput, weight, saveMean, saveInvstd, gradInput, gradWeight,
                gradBias, n, c, p, reluInput ? 1 : 0, threads) == NativeShim.OK;
    }

    /**
     * Dropout's scaled mask into {@code n} contiguous floats: 1/keep with probability keep, else 0, the same for the
     * same {@code seed} whatever the thread count. False when the shim is missing (the caller then draws through libtorch).
     */
    public static boolean dropoutMask(Pointer mask, long n, double keep, long seed, int threads) {
        if (!available()) return false;
        return NativeShim.t4j_dropout_mask_f32(mask, n, keep, seed, threads) == NativeShim.OK;
    }
}
