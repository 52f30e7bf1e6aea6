package dev.torch4j.io;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.LongOptional;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads PyTorch state dicts as {@code torch.save} writes them: the zip format (PyTorch 1.6 and later: a pickle
 * plus one file per storage) and the older single-stream format (torchvision's VGG weights are still in it).
 * Only dicts of tensors are accepted; see {@link Unpickler} for what the pickle may contain.
 */
final class PthFiles {
    private static final int MAX_PICKLE = 256 << 20;
    private static final Map<String, DType> STORAGES = new HashMap<>();

    static {
        STORAGES.put("FloatStorage", DType.FLOAT32);
        STORAGES.put("DoubleStorage", DType.FLOAT64);
        STORAGES.put("HalfStorage", DType.FLOAT16);
        STORAGES.put("BFloat16Storage", DType.BFLOAT16);
        STORAGES.put("LongStorage", DType.INT64);
        STORAGES.put("IntStorage", DType.INT32);
        STORAGES.put("ShortStorage", DType.INT16);
        STORAGES.put("CharStorage", DType.INT8);
        STORAGES.put("ByteStorage", DType.UINT8);
        STORAGES.put("BoolStorage", DType.BOOL);
    }

    private PthFiles() {}

    /** A storage named in the pickle: its element type, key and element count. */
    private record Storage(DType dtype, String key, long numel) {}

    /** Where storage bytes come from: a zip entry per key, or an offset in the legacy stream. */
    private interface StorageSource {
        Tensor read(Storage s);
    }

    /** True when the file starts like a torch.save file (zip, or the legacy pickle magic). */
    static boolean looksLikePth(Path file) {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 4) < 4) return false;
        } catch (IOException e) {
            return false;
        }
        boolean zip = head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        boolean legacy = (head[0] & 0xff) == 0x80 && head[2] == (byte) 0x8a && head[3] == 10; // PROTO, LONG1 magic
        return zip || legacy;
    }

    static StateDict read(Path file) {
        if (!Files.isRegularFile(file)) throw new StateDictException("no such file: " + file);
        try {
            byte[] head = new byte[2];
            try (InputStream in = Files.newInputStream(file)) {
                in.readNBytes(head, 0, 2);
            }
            return head[0] == 'P' && head[1] == 'K' ? readZip(file) : readLegacy(file);
        } catch (IOException e) {
            throw new StateDictException("cannot read " + file + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
    }

    // ---- zip format -------------------------------------------------------------------------------------

    private static StateDict readZip(Path file) throws IOException {
        try {
            return readOpenZip(file);
        } catch (IllegalArgumentException e) {
            // java.util.zip's answer to an entry name that is not UTF-8 (found by fuzzing), from listing or looking up
            throw new StateDictException("cannot read " + file + ": a zip entry's name is not valid UTF-8 (" + e.getMessage() + ")", e);
        }
    }

    private static StateDict readOpenZip(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pickle = null;
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                String n = e.getName();
                if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) pickle = e;
            }
            if (pickle == null) throw bad(file, "a zip without <name>/data.pkl: not written by torch.save");
            String prefix = pickle.getName().substring(0, pickle.getName().length() - "data.pkl".length());
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null) {
                String o = new String(zip.getInputStream(order).readNBytes(16), java.nio.charset.StandardCharsets.US_ASCII).trim();
                if (!o.equals("little")) throw bad(file, "tensors stored " + o + "-endian; only little-endian files are read");
            }
            ByteBuffer pkl = ByteBuffer.wrap(readEntry(file, zip, pickle, MAX_PICKLE));
            long fileSize = Files.size(file);
            StorageSource source = s -> {
                ZipEntry e = zip.getEntry(prefix + "data/" + s.key());
                if (e == null) throw bad(file, "storage " + s.key() + " is named in the pickle but missing from the zip");
                long bytes = s.numel() * elementSize(s.dtype());
                if (bytes > fileSize) throw bad(file, "storage " + s.key() + " claims " + bytes + " bytes, more than the whole file");
                if (e.getSize() != bytes) {
                    throw bad(file, "storage " + s.key() + " holds " + e.getSize() + " bytes, the pickle says " + s.numel()
                            + " x " + s.dtype().torchName() + " = " + bytes);
                }
                try (InputStream in = zip.getInputStream(e)) {
                    return fill(file, Tensor.zeros(s.dtype(), s.numel()), in, bytes);
                } catch (IOException ex) {
                    // a damaged zip (found by fuzzing: an invalid local header) is a bad file, not a failed disk
                    throw new StateDictException("cannot read storage " + s.key() + " of " + file + ": " + ex.getMessage(), ex);
                }
            };
            Object root = unpickle(file, pkl, source, 5);
            if (pkl.hasRemaining()) throw bad(file, "data.pkl has " + pkl.remaining() + " bytes after its end");
            return toStateDict(file, root);
        }
    }

    private static byte[] readEntry(Path file, ZipFile zip, ZipEntry e, int limit) throws IOException {
        if (e.getSize() > limit) throw bad(file, e.getName() + " is " + e.getSize() + " bytes, more than the " + limit + " allowed");
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes(limit + 1);
            if (b.length > limit) throw bad(file, e.getName() + " is larger than the " + limit + " bytes allowed");
            return b;
        }
    }

    // ---- legacy format: magic, protocol, system info, the pickle, its storage keys, then each storage -----------

    private static final java.math.BigInteger LEGACY_MAGIC = new java.math.BigInteger("1950a86a20f9469cfc6c", 16);

    private static StateDict readLegacy(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            // the pickles sit at the start, the storages after them: map (not read) the part a pickle may occupy
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, MAX_PICKLE));
            Object magic = unpickle(file, buf, null, 0);
            if (!LEGACY_MAGIC.equals(magic)) throw bad(file, "not a PyTorch file (wrong magic number " + magic + ")");
            Object protocol = unpickle(file, buf, null, 0);
            if (!Long.valueOf(1001).equals(protocol)) throw bad(file, "legacy protocol " + protocol + ", expected 1001");
            Object info = unpickle(file, buf, null, 0);
            if (info instanceof Map && Boolean.FALSE.equals(((Map<?, ?>) info).get("little_endian"))) {
                throw bad(file, "written on a big-endian machine; only little-endian files are read");
            }
            // Storages come after the pickle, so the tensors are built once their data is read.
            Map<String, Storage> storages = new LinkedHashMap<>();
            StorageSource deferred = s -> {
                Storage prev = storages.putIfAbsent(s.key(), s);
                if (prev != null && !prev.equals(s)) throw bad(file, "storage " + s.key() + " is described twice differently");
                return null;
            };
            Object root = unpickle(file, buf, deferred, 6);
            Object keys = unpickle(file, buf, null, 0);
            if (!(keys instanceof List)) throw bad(file, "the storage key list is missing");
            Map<String, Tensor> data = new HashMap<>();
            long pos = buf.position();
            for (Object k : (List<?>) keys) {
                Storage s = storages.get(String.valueOf(k));
                if (s == null) throw bad(file, "storage " + k + " is listed but never used");
                ByteBuffer n = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                if (ch.read(n, pos) != 8) throw bad(file, "ends before storage " + k);
                long numel = n.getLong(0), bytes = numel * elementSize(s.dtype());
                if (numel != s.numel()) throw bad(file, "storage " + k + " has " + numel + " elements, the pickle says " + s.numel());
                if (bytes > size - pos - 8) throw bad(file, "storage " + k + " needs " + bytes + " bytes, " + (size - pos - 8) + " left (truncated?)");
                data.put(s.key(), fill(file, Tensor.zeros(s.dtype(), numel), ch, pos + 8, bytes));
                pos += 8 + bytes;
            }
            return toStateDict(file, resolveLegacy(file, root, data));
        }
    }

    /** Legacy tensors were built against placeholder storages: rebuild them now that the data is read. */
    private static Object resolveLegacy(Path file, Object o, Map<String, Tensor> data) {
        if (o instanceof LazyTensor) return ((LazyTensor) o).build(file, data);
        if (o instanceof Map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) out.put(e.getKey(), resolveLegacy(file, e.getValue(), data));
            return out;
        }
        return o;
    }

    /** A tensor whose storage is read later (legacy format). */
    private record LazyTensor(Storage storage, long offset, long[] size, long[] stride) {
        Tensor build(Path file, Map<String, Tensor> data) {
            Tensor s = data.get(storage.key());
            if (s == null) throw bad(file, "storage " + storage.key() + " is used but its data is missing");
            return view(file, s, storage, offset, size, stride);
        }
    }

    // ---- the pickle's vocabulary ------------------------------------------------------------------------

    /** A storage reference from the pickle; data is null until read (legacy files). */
    private record StorageRef(Storage storage, Tensor data) {}

    private static Object unpickle(Path file, ByteBuffer buf, StorageSource storages, int idLength) {
        Unpickler.Callable rebuildTensor = args -> {
            if (args.size() < 4 || !(args.get(0) instanceof StorageRef)) {
                throw new IllegalArgumentException("expected (storage, offset, size, stride, ...)");
            }
            StorageRef ref = (StorageRef) args.get(0);
            long offset = (Long) args.get(1);
            long[] size = longs(args.get(2)), stride = longs(args.get(3));
            if (ref.data() == null) return new LazyTensor(ref.storage(), offset, size, stride);
            return view(file, ref.data(), ref.storage(), offset, size, stride);
        };
        Unpickler.Callable rebuildParameter = args -> args.get(0); // (tensor, requires_grad, hooks)
        Unpickler.Callable orderedDict = args -> {
            if (!args.isEmpty()) throw new IllegalArgumentException("OrderedDict with arguments");
            return new LinkedHashMap<>();
        };
        Unpickler u = new Unpickler(buf, file.toString(), g -> {
            if (g.module().equals("collections") && g.name().equals("OrderedDict")) return orderedDict;
            if (g.module().equals("torch._utils") && g.name().equals("_rebuild_tensor_v2")) return rebuildTensor;
            if (g.module().equals("torch._utils") && g.name().equals("_rebuild_parameter")) return rebuildParameter;
            if (g.module().equals("torch") && STORAGES.containsKey(g.name())) return STORAGES.get(g.name());
            return null;
        }, id -> {
            if (storages == null) throw bad(file, "a storage reference where none is expected");
            if (id.size() != idLength || !"storage".equals(id.get(0)) || !(id.get(1) instanceof DType)
                    || !(id.get(4) instanceof Long) || (Long) id.get(4) < 0) {
                throw bad(file, "a storage reference of unexpected form " + Unpickler.describe(id));
            }
            Storage s = new Storage((DType) id.get(1), String.valueOf(id.get(2)), (Long) id.get(4));
            return new StorageRef(s, storages.read(s));
        });
        return u.load();
    }

    private static long[] longs(Object o) {
        List<?> l = (List<?>) o;
        long[] r = new long[l.size()];
        for (int i = 0; i < r.length; i++) r[i] = (Long) l.get(i);
        return r;
    }

    /** The tensor {@code size}/{@code stride}/{@code offset} describe inside {@code storage}, as a fresh copy. */
    private static Tensor view(Path file, Tensor storage, Storage s, long offset, long[] size, long[] stride) {
        if (size.length != stride.length) throw bad(file, "size " + Arrays.toString(size) + " and stride " + Arrays.toString(stride) + " differ in length");
        long last = offset, numel = 1;
        for (int i = 0; i < size.length; i++) {
            if (size[i] < 0 || stride[i] < 0) throw bad(file, "negative size or stride in " + Arrays.toString(size) + " / " + Arrays.toString(stride));
            numel *= size[i];
            if (size[i] > 0) last += (size[i] - 1) * stride[i];
        }
        if (offset < 0 || (numel > 0 && last >= s.numel())) {
            throw bad(file, "a tensor of size " + Arrays.toString(size) + " at offset " + offset + " reaches past storage " + s.key()
                    + " (" + s.numel() + " elements)");
        }
        if (offset == 0 && numel == s.numel() && contiguous(size, stride)) return storage.reshape(size);
        return Tensor.wrap(storage.handle().as_strided(size, stride, new LongOptional(offset)).clone());
    }

    private static boolean contiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] != 1 && stride[i] != expected) return false;
            expected *= size[i];
        }
        return true;
    }

    private static StateDict toStateDict(Path file, Object root) {
        if (!(root instanceof Map)) throw bad(file, "holds " + Unpickler.describe(root) + ", not a dict of tensors");
        Map<?, ?> map = (Map<?, ?>) root;
        if (!map.isEmpty() && map.values().stream().noneMatch(PthFiles::isTensor)) {
            for (String k : List.of("state_dict", "model_state_dict", "model")) {
                if (map.get(k) instanceof Map) return toStateDict(file, map.get(k)); // a training checkpoint
            }
        }
        StateDict sd = new StateDict();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object v = e.getValue();
            if (!isTensor(v)) {
                throw bad(file, "entry '" + e.getKey() + "' is " + Unpickler.describe(v) + ", not a tensor (keys: " + map.keySet() + ")");
            }
            sd.put(String.valueOf(e.getKey()), tensorOf(v));
        }
        sd.describe(file, Map.of());
        return sd;
    }

    private static boolean isTensor(Object v) {
        return v instanceof Tensor;
    }

    private static Tensor tensorOf(Object v) {
        return (Tensor) v;
    }

    private static Tensor fill(Path file, Tensor t, InputStream in, long bytes) throws IOException {
        if (bytes == 0) return t;
        BytePointer dst = new BytePointer(t.handle().data_ptr()).capacity(bytes);
        byte[] chunk = new byte[1 << 20];
        long done = 0;
        while (done < bytes) {
            int n = in.read(chunk, 0, (int) Math.min(chunk.length, bytes - done));
            if (n < 0) throw bad(file, "ends after " + done + " of " + bytes + " storage bytes (truncated?)");
            dst.position(done).put(chunk, 0, n);
            done += n;
        }
        return t;
    }

    /** Reads {@code bytes} at {@code position} of the channel into the tensor's memory, in chunks. */
    private static Tensor fill(Path file, Tensor t, FileChannel ch, long position, long bytes) throws IOException {
        BytePointer dst = new BytePointer(t.handle().data_ptr()).capacity(bytes);
        long done = 0;
        while (done < bytes) {
            long len = Math.min(bytes - done, 64L << 20);
            ByteBuffer view = dst.position(done).limit(done + len).asByteBuffer();
            while (view.hasRemaining()) {
                if (ch.read(view, position + done + view.position()) < 0) throw bad(file, "ends inside a storage (truncated?)");
            }
            done += len;
        }
        return t;
    }

    static int elementSize(DType d) {
        return SafeTensors.elementSize(d);
    }

    private static StateDictException bad(Path file, String reason) {
        return new StateDictException("cannot read " + file + ": " + reason);
    }
}
