package dev.torch4j.tensor;

import dev.torch4j.shim.Shim;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.global.torch;

import java.util.function.Supplier;

/**
 * Process-wide libtorch settings: start-up, random seed, threads, gradient mode, versions.
 *
 * <p>Start-up applies two measured defaults (see docs/benchmarks.md): OpenBLAS runs one thread, so its
 * spinning pool does not fight libtorch's OpenMP pool for the cores; and glibc keeps activation buffers
 * instead of returning them to the kernel after every step. Opt out with the system properties
 * {@code torch4j.blasThreads=N} and {@code torch4j.tuneAllocator=false}.
 */
public final class Torch {
    private static final System.Logger LOG = System.getLogger(Torch.class.getName()); // the application's logging receives it
    /** The libtorch version of the presets torch4j is built on. */
    public static final String LIBTORCH_VERSION = "2.10.0";
    private static volatile boolean initialized;
    private static int blasThreads = -1;
    private static String build = "cpu";
    private static int allocatorTuning = -1;

    private Torch() {}

    /** Loads libtorch and applies the defaults; called by every entry point, cheap after the first call. */
    /** How many garbage collections torch4j asked for to free tensors made outside any {@link Scope} (see docs/memory.md). */
    public static long unscopedCollections() {
        return UnscopedMemory.collections();
    }

    public static void init() {
        if (initialized) return;
        synchronized (Torch.class) {
            if (initialized) return;
            if (!"false".equals(System.getProperty("torch4j.tuneAllocator"))) {
                allocatorTuning = Shim.tuneAllocator(32L << 20, 1L << 30, 64L << 20);
            }
            extractLibtorch();
            int wanted = Integer.getInteger("torch4j.blasThreads", 1);
            try {
                Loader.load(org.bytedeco.openblas.global.openblas.class);
                org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(wanted);
                blasThreads = org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads();
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.WARNING, "could not set OpenBLAS threads (" + e + "); training may be slower");
            }
            Loader.load(torch.class);
            initialized = true;
        }
    }

    /**
     * Extracts the libtorch libraries into JavaCPP's cache before loading them. Measured here: when
     * the cache is empty, loading straight from the jar crashed the JVM inside libtorch_cpu's start-up,
     * while loading from an already extracted cache works.
     */
    private static void extractLibtorch() {
        String platform = Loader.getPlatform();
        for (String dir : new String[] {platform + "-gpu", platform}) {
            try {
                if (Loader.cacheResource(torch.class, "/org/bytedeco/pytorch/" + dir + "/") != null) {
                    build = dir.endsWith("-gpu") ? "gpu" : "cpu";
                    return;
                }
            } catch (Exception e) {
                // not this variant; try the next
            }
        }
    }

    /** Seeds libtorch's generators (CPU and, where present, CUDA), as torch.manual_seed does. */
    public static void manualSeed(long seed) {
        init();
        torch.manual_seed(seed);
    }

    /** libtorch's intra-op thread count. */
    public static int threads() {
        init();
        return torch.get_num_threads();
    }

    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        init();
        torch.set_num_threads(n);
    }

    /** Gradients off until the returned guard is closed (same thread): {@code try (var g = Torch.noGrad()) {...}}. */
    public static NoGrad noGrad() {
        init();
        return new NoGrad();
    }

    /** Runs {@code body} with gradients off. */
    public static <T> T noGrad(Supplier<T> body) {
        try (NoGrad g = noGrad()) {
            return body.get();
        }
    }

    /** 1 when glibc's allocator was tuned at start-up, 0 when not glibc, -1 when off or unavailable. */
    public static int allocatorTuning() {
        init();
        return allocatorTuning;
    }

    /** OpenBLAS's thread count as set at start-up (-1 if it could not be read). */
    public static int blasThreads() {
        init();
        return blasThreads;
    }

    /** "gpu" when the CUDA build of the presets was found on the class path, else "cpu". */
    public static String libtorchBuild() {
        init();
        return build;
    }

    /** torch4j's own version, from the jar manifest ("dev" when run from classes). */
    public static String version() {
        String v = Torch.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** A guard that turns autograd off until closed. */
    public static final class NoGrad implements AutoCloseable {
        private final boolean previous = GradMode.is_enabled();

        private NoGrad() {
            GradMode.set_enabled(false);
        }

        @Override public void close() {
            GradMode.set_enabled(previous);
        }
    }

    /** True when autograd records operations on this thread. */
    public static boolean gradEnabled() {
        init();
        return GradMode.is_enabled();
    }
}
