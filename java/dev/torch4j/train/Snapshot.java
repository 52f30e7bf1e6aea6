package dev.torch4j.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.Strictness;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import dev.torch4j.io.AtomicFiles;
import dev.torch4j.io.SafeTensors;
import dev.torch4j.io.StateDict;
import dev.torch4j.io.StateDictException;
import dev.torch4j.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One saved point of a training run: everything the run needs to continue exactly, in one file
 * ({@code snapshot-<step>.safetensors} in the run's snapshot directory) written through a temporary file and a
 * rename, so a kill at any instant leaves the previous complete snapshot or the new one, never a mix.
 *
 * <p>Inside: the model's state dict ({@code model/...}), the optimizer's ({@code optimizer/...}), the random streams
 * ({@code random/cpu}, ...), the running sums of an unfinished epoch ({@code running/...}), each with its checksum,
 * and in the header's metadata a JSON manifest: position (epoch, step), scheduler position, history, every
 * callback's state, the options the run was started with and the caller's tags. It stays a plain safetensors file
 * (Python's {@code safetensors} reads it). The two newest snapshots are kept.
 */
public final class Snapshot {
    static final String MANIFEST_KEY = "torch4j.snapshot";
    static final int FORMAT = 1;
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{12})\\.safetensors");
    private static final int KEEP = 2;
    static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().setStrictness(Strictness.LENIENT)
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();

    private final Path file;
    private final StateDict tensors;
    private final Map<String, Object> manifest;

    private Snapshot(Path file, StateDict tensors, Map<String, Object> manifest) {
        this.file = file;
        this.tensors = tensors;
        this.manifest = manifest;
    }

    /** The newest complete snapshot in {@code dir}, read and verified (checksums), if there is one. */
    public static Optional<Snapshot> latest(Path dir) {
        List<Path> all = list(dir);
        return all.isEmpty() ? Optional.empty() : Optional.of(read(all.get(all.size() - 1)));
    }

    /** Reads and verifies one snapshot file; a damaged file is an error naming the file and the tensor or field. */
    public static Snapshot read(Path file) {
        StateDict sd = StateDict.load(file);
        String json = sd.metadata().get(MANIFEST_KEY);
        if (json == null) throw new StateDictException(file + " is a safetensors file but not a torch4j training snapshot (no manifest)");
        Map<String, Object> manifest;
        try {
            manifest = GSON.fromJson(json, new TypeToken<Map<String, Object>>() {}.getType());
        } catch (RuntimeException e) {
            throw new StateDictException("training snapshot " + file + " has a damaged manifest: " + e.getMessage(), e);
        }
        if (manifest == null || !(manifest.get("format") instanceof Number n) || n.intValue() != FORMAT) {
            throw new StateDictException("training snapshot " + file + " has format " + (manifest == null ? null : manifest.get("format"))
                    + "; this torch4j reads format " + FORMAT);
        }
        return new Snapshot(file, sd, manifest);
    }

    /** Snapshot files of {@code dir}, oldest first. */
    static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "snapshot-*.safetensors")) {
            for (Path p : ds) if (NAME.matcher(p.getFileName().toString()).matches()) out.add(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        Collections.sort(out);
        return out;
    }

    /** Writes a snapshot atomically, then removes all but the newest {@value #KEEP} and stale temporary files. */
    static Path write(Path dir, long globalStep, Map<String, Object> manifest, Map<String, Tensor> tensors) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException("snapshot directory " + dir + " is a file");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.putAll(manifest);
        Path file = dir.resolve(String.format(java.util.Locale.ROOT, "snapshot-%012d.safetensors", globalStep));
        SafeTensors.write(tensors, Map.of(MANIFEST_KEY, GSON.toJson(m)), file);
        List<Path> all = list(dir);
        for (int i = 0; i < all.size() - KEEP; i++) {
            try {
                Files.deleteIfExists(all.get(i));
            } catch (IOException e) {
                // an old snapshot left behind is harmless; the newest ones are read first
            }
        }
        return file;
    }

    /** Removes temporary files that a killed run left in {@code dir}. */
    static void removeStale(Path dir) {
        AtomicFiles.removeStaleIn(dir, "snapshot-");
    }

    public Path file() {
        return file;
    }

    /** Steps trained when this snapshot was taken. */
    public long globalStep() {
        return ((Number) manifest.get("global_step")).longValue();
    }

    /** The epoch (validation period, from 1) the run continues in, and the steps of it already done. */
    public int period() {
        return ((Number) manifest.get("period")).intValue();
    }

    public long stepInPeriod() {
        return ((Number) manifest.get("step")).longValue();
    }

    /** The caller's tags (see {@link Trainer#tag}), e.g. the command line that started the run. */
    @SuppressWarnings("unchecked")
    public Map<String, String> tags() {
        Object t = manifest.get("tags");
        Map<String, String> out = new LinkedHashMap<>();
        if (t instanceof Map<?, ?> m) for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        return out;
    }

    Map<String, Object> manifest() {
        return manifest;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> section(String name) {
        Object v = manifest.get(name);
        if (v == null) return Map.of();
        if (!(v instanceof Map)) throw damaged("'" + name + "' is not an object");
        return (Map<String, Object>) v;
    }

    /** The tensors stored under {@code prefix/}, with the prefix removed. */
    StateDict tensors(String prefix) {
        StateDict out = new StateDict().withSource(file);
        String p = prefix + "/";
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) if (e.getKey().startsWith(p)) out.put(e.getKey().substring(p.length()), e.getValue());
        return out;
    }

    StateDictException damaged(String what) {
        return new StateDictException("training snapshot " + file + " is damaged: " + what);
    }

    static long stepOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
