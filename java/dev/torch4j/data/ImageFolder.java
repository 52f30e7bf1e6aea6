package dev.torch4j.data;

import dev.torch4j.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Images in one sub-directory per class, as torchvision's ImageFolder: classes in sorted order are
 * labels 0, 1, ...; JPEG and PNG files of any size and colour type are read as RGB and run through a
 * {@link Pipeline}. Hidden entries (names starting with '.') are ignored.
 *
 * <pre>{@code
 * ImageFolder train = ImageFolder.open(root.resolve("train"), trainPipeline).seed(42);
 * }</pre>
 *
 * An unreadable file raises an {@link ImageException} naming it, or, after {@link #skipUnreadable(boolean) skipUnreadable(true)},
 * is logged once and left out of its batch.
 */
public final class ImageFolder implements Dataset {
    private static final System.Logger LOG = System.getLogger(ImageFolder.class.getName()); // the application's logging receives it
    private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png");

    private final Path root;
    private final List<String> classes;
    private final List<Path> files;
    private final long[] labels;
    private final Pipeline pipeline;
    private final long seed;
    private final int threads;
    private final boolean skipUnreadable, fastDecode;
    private final Set<Path> reported;
    private volatile int epoch;

    private ImageFolder(Path root, List<String> classes, List<Path> files, long[] labels, Pipeline pipeline, long seed,
                        int threads, boolean skipUnreadable, boolean fastDecode, Set<Path> reported) {
        this.root = root;
        this.classes = classes;
        this.files = files;
        this.labels = labels;
        this.pipeline = pipeline;
        this.seed = seed;
        this.threads = threads;
        this.skipUnreadable = skipUnreadable;
        this.fastDecode = fastDecode;
        this.reported = reported;
    }

    /** Lists {@code root}'s class directories and their images (recursively, sorted). */
    public static ImageFolder open(Path root, Pipeline pipeline) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("image folder " + root.toAbsolutePath() + " does not exist or is not a directory"
                    + " (expected one sub-directory per class, e.g. " + root.resolve("cats") + ", " + root.resolve("dogs") + ")");
        }
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        List<Path> ignored = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(Files::isDirectory).filter(p -> !hidden(p)).map(p -> p.getFileName().toString()).sorted().forEach(classes::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list image folder " + root, e);
        }
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("image folder " + root.toAbsolutePath() + " has no class sub-directories"
                    + " (expected one per class, e.g. " + root.resolve("cats") + "/cat.1.jpg)");
        }
        List<String> empty = new ArrayList<>();
        for (int k = 0; k < classes.size(); k++) {
            List<Path> found = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(root.resolve(classes.get(k)), java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
                walk.filter(Files::isRegularFile).filter(p -> !hidden(p)).sorted().forEach(p -> {
                    if (EXTENSIONS.contains(extension(p))) found.add(p);
                    else ignored.add(p);
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list class directory " + root.resolve(classes.get(k)), e);
            }
            if (found.isEmpty()) empty.add(classes.get(k));
            for (Path p : found) {
                files.add(p);
                labels.add((long) k);
            }
        }
        if (!empty.isEmpty()) {
            throw new IllegalArgumentException("image folder " + root.toAbsolutePath() + ": no JPEG or PNG files for class"
                    + (empty.size() > 1 ? "es " : " ") + String.join(", ", empty));
        }
        if (!ignored.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "image folder " + root + ": ignored " + ignored.size() + " file(s) that are not .jpg, .jpeg or .png, e.g. " + ignored.get(0));
        }
        return new ImageFolder(root, List.copyOf(classes), List.copyOf(files), labels.stream().mapToLong(Long::longValue).toArray(),
                pipeline, 0, 0, false, true, ConcurrentHashMap.newKeySet());
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static String extension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The same files with another pipeline (e.g. evaluation without augmentation). */
    public ImageFolder pipeline(Pipeline p) {
        return new ImageFolder(root, classes, files, labels, p, seed, threads, skipUnreadable, fastDecode, reported);
    }

    /** The seed of the random steps: sample i of epoch e uses {@code Pipeline.sampleSeed(seed, e, i)}. */
    public ImageFolder seed(long s) {
        return new ImageFolder(root, classes, files, labels, pipeline, s, threads, skipUnreadable, fastDecode, reported);
    }

    /** Decoding threads per batch (0, the default: all cores). */
    public ImageFolder threads(int n) {
        dev.torch4j.config.Check.atLeast("ImageFolder", "threads", n, 0);
        return new ImageFolder(root, classes, files, labels, pipeline, seed, n, skipUnreadable, fastDecode, reported);
    }

    /** With true, leaves unreadable files out of their batch (each logged once) instead of raising (the default). */
    public ImageFolder skipUnreadable(boolean on) {
        return new ImageFolder(root, classes, files, labels, pipeline, seed, threads, on, fastDecode, reported);
    }

    /**
     * Decodes every JPEG at full size before the first step (bit-for-bit what PIL decodes) instead of
     * letting libjpeg scale it down in the DCT domain when the first step is a much smaller Resize.
     */
    public ImageFolder exactDecoding(boolean on) {
        return new ImageFolder(root, classes, files, labels, pipeline, seed, threads, skipUnreadable, !on, reported);
    }

    @Override public long size() {
        return files.size();
    }

    @Override public boolean worthPrefetching() {
        return true;
    }

    @Override public void setEpoch(int e) {
        epoch = e;
    }

    @Override public Batch get(long[] indices) {
        List<Path> batchFiles = new ArrayList<>(indices.length);
        long[] seeds = new long[indices.length], targets = new long[indices.length];
        int e = epoch;
        for (int i = 0; i < indices.length; i++) {
            int k = Math.toIntExact(indices[i]);
            if (k < 0 || k >= files.size()) throw new IndexOutOfBoundsException("index " + k + " out of range for " + files.size() + " images");
            batchFiles.add(files.get(k));
            seeds[i] = Pipeline.sampleSeed(seed, e, k);
            targets[i] = labels[k];
        }
        Pipeline.FileBatch loaded = pipeline.load(batchFiles, seeds, threads, fastDecode);
        Tensor images = loaded.images();
        if (loaded.failures().isEmpty()) return new Batch(images, Tensor.of(targets));
        if (!skipUnreadable) {
            Pipeline.Failure first = loaded.failures().get(0);
            if (loaded.failures().size() == 1) throw first.exception();
            throw new ImageException(loaded.failures().size() + " images of a batch could not be used; first: " + first.path() + ": " + first.reason()
                    + " (call skipUnreadable(true) to leave such files out)");
        }
        boolean[] bad = new boolean[indices.length];
        for (Pipeline.Failure f : loaded.failures()) {
            bad[f.index()] = true;
            if (reported.add(f.path())) LOG.log(System.Logger.Level.WARNING, "skipping unreadable image " + f.path() + ": " + f.reason());
        }
        long[] keep = java.util.stream.IntStream.range(0, indices.length).filter(i -> !bad[i]).asLongStream().toArray();
        long[] keptTargets = java.util.Arrays.stream(keep).map(i -> targets[(int) i]).toArray();
        Tensor rows = Tensor.of(keep);
        return new Batch(Tensor.wrap(images.handle().index_select(0, rows.handle())), Tensor.of(keptTargets));
    }

    public List<String> classes() {
        return classes;
    }

    /** The image files, in label order then path order. */
    public List<Path> files() {
        return files;
    }

    /** The label of each file. */
    public long[] labels() {
        return labels.clone();
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public Path root() {
        return root;
    }

    @Override public String toString() {
        return "ImageFolder(" + root + ", " + files.size() + " images, classes " + classes + ")";
    }
}
