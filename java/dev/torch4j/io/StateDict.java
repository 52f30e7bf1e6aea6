package dev.torch4j.io;

import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named tensors in order: a model's parameters and buffers under PyTorch's keys ({@code 0.0.weight},
 * {@code conv1.bias}, {@code features.10.weight} ...). Saved as {@code .safetensors} (readable by Python's
 * safetensors) or as a libtorch archive.
 */
public final class StateDict {
    private static final int LISTED = 10;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private Path source;
    private Map<String, String> metadata = Map.of();
    private boolean allowNonFinite;

    /** An empty state dict. */
    public StateDict() {}

    /** The tensors of {@code map}, in its order. */
    public static StateDict of(Map<String, Tensor> map) {
        StateDict sd = new StateDict();
        map.forEach(sd::put);
        return sd;
    }

    /** Adds (or replaces) the tensor under {@code name}; names are kept in the order first added. Returns this. */
    public StateDict put(String name, Tensor tensor) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a state-dict key must be a non-empty string");
        if (tensor == null) throw new IllegalArgumentException("state-dict key '" + name + "' has no tensor (null)");
        tensors.put(name, tensor);
        return this;
    }

    /** The tensor under {@code name}, or null. */
    public Tensor get(String name) {
        return tensors.get(name);
    }

    /** The tensor under {@code name}; throws naming the key, the file and the keys present when there is none. */
    public Tensor require(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            List<String> keys = new ArrayList<>(tensors.keySet());
            throw new StateDictException((source == null ? "state dict" : source.toString()) + " has no tensor '" + name + "' (it has "
                    + (keys.size() > LISTED ? String.join(", ", keys.subList(0, LISTED)) + ", ..." : String.join(", ", keys)) + ")");
        }
        return t;
    }

    /** Removes the tensor under {@code name} (e.g. a classifier head before a non-strict load); returns it, or null. */
    public Tensor remove(String name) {
        return tensors.remove(name);
    }

    public boolean containsKey(String name) {
        return tensors.containsKey(name);
    }

    public int size() {
        return tensors.size();
    }

    public boolean isEmpty() {
        return tensors.isEmpty();
    }

    /** The keys, in order (read-only). */
    public java.util.Set<String> keySet() {
        return java.util.Collections.unmodifiableSet(tensors.keySet());
    }

    /** The tensors, in key order (read-only). */
    public java.util.Collection<Tensor> values() {
        return java.util.Collections.unmodifiableCollection(tensors.values());
    }

    /** (key, tensor) pairs in order (read-only). */
    public java.util.Set<Map.Entry<String, Tensor>> entrySet() {
        return asMap().entrySet();
    }

    /** Runs {@code action} on each (key, tensor) in order. */
    public void forEach(java.util.function.BiConsumer<String, Tensor> action) {
        tensors.forEach(action);
    }

    /** A read-only map view, for code that takes a {@code Map<String, Tensor>}. */
    public Map<String, Tensor> asMap() {
        return java.util.Collections.unmodifiableMap(tensors);
    }

    @Override public String toString() {
        return "StateDict(" + tensors.size() + (tensors.size() == 1 ? " tensor" : " tensors") + (source == null ? "" : " from " + source) + ")";
    }

    /** What a non-strict load left out. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {}

    /** The file this state dict was read from (null when made in memory). */
    public Path source() {
        return source;
    }

    /** The string metadata of the file it was read from ({@code .safetensors}' {@code __metadata__}, without checksums). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Names {@code file} as where these tensors came from (in error messages). Returns this. */
    public StateDict withSource(Path file) {
        source = file;
        return this;
    }

    void describe(Path file, Map<String, String> meta) {
        source = file;
        metadata = Map.copyOf(meta);
    }

    /**
     * Lets {@link Layer#loadStateDict} copy NaN and infinite values into a model; by default a floating-point
     * tensor holding any is refused (a damaged or diverged file), naming the file and the tensor. Returns this.
     */
    public StateDict allowNonFinite(boolean on) {
        allowNonFinite = on;
        return this;
    }

    /** Writes {@code .safetensors}, atomically (a crash never leaves a half-written file), with each tensor's checksum. */
    public void save(Path file) {
        SafeTensors.write(tensors, file);
    }

    /**
     * Reads a state dict from a {@code .safetensors} file or a PyTorch {@code .pth}/{@code .pt} file written by
     * {@code torch.save} (zip or legacy format; recognised by content, not by name). A training checkpoint whose
     * tensors sit under "state_dict", "model_state_dict" or "model" is read from there.
     */
    public static StateDict load(Path file) {
        return PthFiles.looksLikePth(file) ? PthFiles.read(file) : SafeTensors.read(file);
    }

    /** Writes a libtorch archive (torch::save format), atomically. */
    public void saveArchive(Path file) {
        try (Scope s = Scope.open()) {
            OutputArchive archive = new OutputArchive();
            for (Map.Entry<String, Tensor> e : entrySet()) archive.write(e.getKey(), e.getValue().handle());
            AtomicFiles.write(file, tmp -> archive.save_to(tmp.toString()));
        } catch (RuntimeException e) {
            throw new StateDictException("cannot write libtorch archive " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the tensors named {@code keys} (e.g. a model's state-dict keys) from a libtorch archive written by {@link #saveArchive}. */
    public static StateDict loadArchive(Path file, java.util.Collection<String> keys) {
        if (!Files.isRegularFile(file)) throw new StateDictException("no such file: " + file);
        StateDict out = new StateDict();
        InputArchive archive = new InputArchive();
        archive.retainReference();
        try {
            archive.load_from(file.toString());
            for (String key : keys) {
                org.bytedeco.pytorch.Tensor t = new org.bytedeco.pytorch.Tensor();
                if (archive.try_read(key, t)) out.put(key, Tensor.wrap(t));
            }
        } catch (RuntimeException e) {
            throw new StateDictException("cannot read libtorch archive " + file + ": " + dev.torch4j.tensor.TorchException.from(e).getMessage(), e);
        } finally {
            archive.releaseReference();
        }
        return out;
    }

    /**
     * Throws a {@link StateDictException} when these values do not fit {@code target} (a model's state dict, named
     * {@code owner} in the message): shapes must agree and floating-point values be finite (unless
     * {@link #allowNonFinite(boolean)}); when strict, missing and unexpected keys are errors too, otherwise they are returned.
     * Changes nothing: {@code Layer.loadStateDict} calls it before it copies.
     */
    public LoadResult checkFits(Map<String, Tensor> target, String owner, boolean strict) {
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (String k : target.keySet()) if (!containsKey(k)) missing.add(k);
        for (Map.Entry<String, Tensor> e : entrySet()) {
            Tensor t = target.get(e.getKey());
            if (t == null) unexpected.add(e.getKey());
            else if (!Arrays.equals(t.shape(), e.getValue().shape())) {
                mismatched.add(e.getKey() + ": model has " + Arrays.toString(t.shape()) + ", file has " + Arrays.toString(e.getValue().shape()));
            }
        }
        if (!mismatched.isEmpty() || strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            StringBuilder msg = new StringBuilder("state dict ").append(source == null ? "" : "from " + source + " ")
                    .append("does not fit ").append(owner).append(':');
            list(msg, "shape mismatch", mismatched);
            if (strict) {
                list(msg, "missing keys", missing);
                list(msg, "unexpected keys", unexpected);
            }
            throw new StateDictException(msg.toString());
        }
        if (!allowNonFinite) {
            List<String> present = new ArrayList<>(target.keySet());
            present.retainAll(keySet());
            checkFinite(present);
        }
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    /** Refuses NaN or infinite values in the floating-point tensors under {@code keys}. */
    private void checkFinite(java.util.Collection<String> keys) {
        try (Scope s = Scope.open()) {
            for (String k : keys) {
                Tensor t = get(k);
                if (t == null || !t.dtype().isFloatingPoint()) continue;
                long bad = t.nonFiniteCount();
                if (bad > 0) {
                    throw new StateDictException((source == null ? "state dict" : source.toString()) + ": tensor '" + k + "' holds " + bad
                            + " NaN or infinite value(s) of " + t.numel() + "; refused (a damaged or diverged file). If they are meant,"
                            + " load with StateDict.load(file).allowNonFinite(true)");
                }
            }
        }
    }

    private static void list(StringBuilder msg, String what, List<String> items) {
        if (items.isEmpty()) return;
        msg.append("\n  ").append(what).append(" (").append(items.size()).append("): ");
        msg.append(String.join(", ", items.subList(0, Math.min(LISTED, items.size()))));
        if (items.size() > LISTED) msg.append(", ...");
    }
}
