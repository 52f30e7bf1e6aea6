package dev.torch4j.data;

import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An MNIST-format data set (MNIST, Fashion-MNIST): training and test sets, labels int64 [N]. The images are held
 * as their bytes; {@link #train(Normalization)} and {@link #test(Normalization)} give data sets that convert each
 * batch when it is taken (a quarter of the memory), {@link #train()} and {@link #test()} the images as float32
 * [N, 1, 28, 28] in [0, 1] (made when first asked for). Use {@link Mnist#load()} or {@link FashionMnist#load()}.
 */
public final class MnistData {
    static final String[] FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

    /** What identifies a data set in this format: its directory name, download mirrors and the md5 of each .gz file. */
    record Spec(String name, List<String> mirrors, Map<String, String> md5, List<String> classes) {}

    private final ByteImageDataset trainBytes, testBytes;
    private TensorDataset train, test;
    private final List<String> classes;
    private final Path source;

    private MnistData(ByteImageDataset train, ByteImageDataset test, List<String> classes, Path source) {
        this.trainBytes = train;
        this.testBytes = test;
        this.classes = classes;
        this.source = source;
    }

    /** The training images as float32 [N, 1, 28, 28] in [0, 1] (188 MB for 60,000: made on first call, then kept). */
    public synchronized TensorDataset train() {
        if (train == null) train = floats(trainBytes);
        return train;
    }

    public synchronized TensorDataset test() {
        if (test == null) test = floats(testBytes);
        return test;
    }

    /** The training set, each batch converted from the stored bytes ({@code v / 255}, then {@code norm} if not null). */
    public ByteImageDataset train(Normalization norm) {
        return norm == null ? trainBytes : new ByteImageDataset(trainBytes.pixels(), trainBytes.targets(), norm);
    }

    public ByteImageDataset test(Normalization norm) {
        return norm == null ? testBytes : new ByteImageDataset(testBytes.pixels(), testBytes.targets(), norm);
    }

    private static TensorDataset floats(ByteImageDataset bytes) {
        try (Scope s = Scope.open()) {
            return new TensorDataset(s.keep(bytes.inputs()), bytes.targets());
        }
    }

    public List<String> classes() {
        return classes;
    }

    /** The directory the files were read from. */
    public Path source() {
        return source;
    }

    /**
     * With {@code dir}: the four files in that directory, or an error that lists the missing ones (a folder you name
     * is never downloaded into). Without: the first of {@code $TORCH4J_DATA/<name>}, {@code ~/.torch4j/data/<name>}
     * and {@code /usr/share/datasets/<name>} that holds them; failing that, downloads them (checksums verified) into
     * the first of those, unless {@code -Dtorch4j.offline=true}.
     */
    static MnistData load(Spec spec, Path dir) {
        if (dir != null) { // a folder the user named: read it, or say what is wrong with it; never download into it
            if (complete(dir)) return read(spec, dir);
            throw new IllegalArgumentException(incomplete(spec, dir));
        }
        List<Path> places = standardPlaces(spec);
        for (Path p : places) if (complete(p)) return read(spec, p);
        Path target = places.get(0);
        String why;
        if (Boolean.getBoolean("torch4j.offline")) {
            why = "downloading is off (torch4j.offline=true)";
        } else {
            try {
                download(spec, target);
                return read(spec, target);
            } catch (IOException | RuntimeException e) {
                why = "the download failed: " + e.getMessage();
            }
        }
        StringBuilder msg = new StringBuilder(spec.name()).append(" not found; looked in:");
        if (dir == null && System.getenv("TORCH4J_DATA") == null) msg.append("\n  $TORCH4J_DATA/").append(spec.name()).append(" (not set)");
        for (Path p : places) msg.append("\n  ").append(p);
        msg.append("\nand ").append(why).append(".\nPut ").append(String.join(".gz, ", FILES)).append(".gz in one of these directories");
        if (spec.name().equals("fashion-mnist")) msg.append(" (on Debian: apt-get install dataset-fashion-mnist)");
        msg.append(", from ").append(spec.mirrors().get(0));
        throw new IllegalStateException(msg.toString());
    }

    /** Why {@code dir} is not an MNIST-format folder: what is missing, what is there, what the format needs. */
    static String incomplete(Spec spec, Path dir) {
        String needs = "an MNIST-format folder holds the four IDX files " + String.join(", ", FILES) + " (each gzipped or not)";
        if (!Files.exists(dir)) return dir + " does not exist; " + needs;
        if (!Files.isDirectory(dir)) return dir + " is a file, not a folder; " + needs;
        List<String> missing = new ArrayList<>(), found = new ArrayList<>();
        for (String f : FILES) {
            Path p = find(dir, f);
            if (p == null) missing.add(f);
            else found.add(p.getFileName().toString());
        }
        StringBuilder msg = new StringBuilder(dir + " does not hold " + spec.name() + ": missing " + String.join(", ", missing));
        msg.append(found.isEmpty() ? " (none of the four files is there)" : " (found: " + String.join(", ", found) + ")");
        try (var entries = Files.list(dir)) {
            if (found.isEmpty() && entries.anyMatch(Files::isDirectory)) {
                msg.append("; it holds sub-folders, like an image folder (class per folder), which MNIST-type recipes do not read");
            }
        } catch (IOException e) {
            msg.append("; it cannot be listed: ").append(e.getMessage());
        }
        return msg.append(". ").append(Character.toUpperCase(needs.charAt(0))).append(needs.substring(1))
                .append(". Without a folder, torch4j looks in its own data folders and downloads there").toString();
    }

    /** {@code $TORCH4J_DATA/<name>} (when set), {@code ~/.torch4j/data/<name>}, {@code /usr/share/datasets/<name>}. */
    static List<Path> standardPlaces(Spec spec) {
        List<Path> places = new ArrayList<>();
        String env = System.getenv("TORCH4J_DATA");
        if (env != null && !env.isBlank()) places.add(Path.of(env).resolve(spec.name()));
        places.add(Path.of(System.getProperty("user.home"), ".torch4j", "data", spec.name()));
        places.add(Path.of("/usr/share/datasets", spec.name()));
        return places;
    }

    /** The data set from the first standard place that holds all four files, without downloading. */
    static java.util.Optional<MnistData> installed(Spec spec) {
        for (Path p : standardPlaces(spec)) if (complete(p)) return java.util.Optional.of(read(spec, p));
        return java.util.Optional.empty();
    }

    /** The data set held as class-path resources under {@code resourceDir} (gzipped IDX files). */
    static MnistData fromResources(Spec spec, String resourceDir) {
        try (Scope s = Scope.open()) {
            Tensor[] t = new Tensor[4];
            for (int i = 0; i < 4; i++) {
                String name = resourceDir + "/" + FILES[i] + ".gz";
                java.io.InputStream in = MnistData.class.getResourceAsStream(name);
                if (in == null) throw new IllegalStateException("resource " + name + " is missing from the class path (a damaged torch4j jar?)");
                Tensor u8 = Idx.read(in, name);
                t[i] = s.keep(i % 2 == 0 ? u8.unsqueeze(1).contiguous() : u8.int64());
            }
            return new MnistData(new ByteImageDataset(t[0], t[1], null), new ByteImageDataset(t[2], t[3], null), spec.classes(),
                    Path.of("jar:" + resourceDir));
        }
    }

    private static boolean complete(Path dir) {
        for (String f : FILES) if (find(dir, f) == null) return false;
        return true;
    }

    private static Path find(Path dir, String name) {
        for (String candidate : new String[] {name + ".gz", name}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    private static MnistData read(Spec spec, Path dir) {
        try (Scope s = Scope.open()) {
            ByteImageDataset train = new ByteImageDataset(s.keep(images(find(dir, FILES[0]))), s.keep(labels(find(dir, FILES[1]))), null);
            ByteImageDataset test = new ByteImageDataset(s.keep(images(find(dir, FILES[2]))), s.keep(labels(find(dir, FILES[3]))), null);
            return new MnistData(train, test, spec.classes(), dir);
        }
    }

    private static Tensor images(Path f) {
        Tensor u8 = Idx.read(f);
        if (u8.dim() != 3) throw new IllegalArgumentException(f + " holds " + u8.dim() + "-d data; images must be [N, H, W]");
        return u8.unsqueeze(1).contiguous();
    }

    private static Tensor labels(Path f) {
        Tensor u8 = Idx.read(f);
        if (u8.dim() != 1) throw new IllegalArgumentException(f + " holds " + u8.dim() + "-d data; labels must be [N]");
        return u8.int64();
    }

    /** {@link #download} into {@code dir}, then the data read from there. */
    static MnistData downloadInto(Spec spec, Path dir) {
        try {
            download(spec, dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot download " + spec.name() + " into " + dir + ": " + e.getMessage(), e);
        }
        return load(spec, dir);
    }

    /** Fetches each .gz from the first mirror that serves it, checks its md5, then moves it into place. */
    static void download(Spec spec, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : FILES) {
            String file = f + ".gz";
            Path target = dir.resolve(file);
            if (Files.isRegularFile(target)) continue;
            IOException last = null;
            for (String mirror : spec.mirrors()) {
                try {
                    Download.fetch(mirror + file, target, "MD5", spec.md5().get(file));
                    last = null;
                    break;
                } catch (IOException e) {
                    last = e;
                }
            }
            if (last != null) throw last;
        }
    }

    static String md5(Path f) throws IOException {
        try {
            MessageDigest d = MessageDigest.getInstance("MD5");
            try (InputStream in = Files.newInputStream(f)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> md5s(String... fileAndSum) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < fileAndSum.length; i += 2) m.put(fileAndSum[i], fileAndSum[i + 1]);
        return m;
    }
}
