package dev.torch4j.io;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.BytePointer;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header (dtype, shape and byte
 * range of every tensor), then the raw little-endian data. Reading checks every length and range against
 * the file, so a truncated or hostile file is reported, never trusted.
 *
 * <p>Files written here carry a CRC-32C of each tensor's bytes in the {@code __metadata__} map (key
 * {@code crc32c/NAME}, 8 hex digits; the file stays a plain safetensors file for Python's {@code safetensors}).
 * Reading verifies every checksum present, so flipped bits are an error naming the file and the tensor;
 * files from elsewhere, without checksums, are read as they are.
 */
public final class SafeTensors {
    private static final long MAX_HEADER = 100L << 20;
    private static final Map<DType, String> CODES = new LinkedHashMap<>();

    static {
        CODES.put(DType.FLOAT32, "F32");
        CODES.put(DType.FLOAT64, "F64");
        CODES.put(DType.FLOAT16, "F16");
        CODES.put(DType.BFLOAT16, "BF16");
        CODES.put(DType.INT64, "I64");
        CODES.put(DType.INT32, "I32");
        CODES.put(DType.INT16, "I16");
        CODES.put(DType.INT8, "I8");
        CODES.put(DType.UINT8, "U8");
        CODES.put(DType.BOOL, "BOOL");
    }

    private SafeTensors() {}

    static int elementSize(DType d) {
        switch (d) {
            case FLOAT64: case INT64: return 8;
            case FLOAT32: case INT32: return 4;
            case FLOAT16: case BFLOAT16: case INT16: return 2;
            default: return 1;
        }
    }

    /** The metadata key prefix of a tensor's checksum. */
    static final String CRC_KEY = "crc32c/";

    /** Writes {@code tensors} to {@code file} atomically, with a checksum of every tensor. */
    public static void write(Map<String, Tensor> tensors, Path file) {
        write(tensors, Map.of(), file);
    }

    /** Writes {@code tensors} and string {@code metadata} (the header's {@code __metadata__}) to {@code file} atomically. */
    public static void write(Map<String, Tensor> tensors, Map<String, String> metadata, Path file) {
        try (dev.torch4j.tensor.Scope scope = dev.torch4j.tensor.Scope.open()) {
            JsonObject header = new JsonObject();
            JsonObject meta = new JsonObject();
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey().startsWith(CRC_KEY)) throw new IllegalArgumentException("metadata key '" + e.getKey() + "' is reserved for checksums");
                meta.addProperty(e.getKey(), e.getValue());
            }
            header.add("__metadata__", meta);
            Map<String, Tensor> cpu = new LinkedHashMap<>();
            long offset = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor t = e.getValue().detach().to(dev.torch4j.tensor.Device.cpu()).contiguous();
                long bytes = t.numel() * elementSize(t.dtype());
                JsonObject entry = new JsonObject();
                entry.addProperty("dtype", CODES.get(t.dtype()));
                JsonArray shape = new JsonArray();
                for (long d : t.shape()) shape.add(d);
                entry.add("shape", shape);
                JsonArray range = new JsonArray();
                range.add(offset);
                range.add(offset + bytes);
                entry.add("data_offsets", range);
                header.add(e.getKey(), entry);
                cpu.put(e.getKey(), t);
                meta.addProperty(CRC_KEY + e.getKey(), crcHex(bytes == 0 ? ByteBuffer.allocate(0) : bytesOf(t, bytes)));
                offset += bytes;
            }
            byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
            int padded = (json.length + 7) / 8 * 8; // the data starts 8-byte aligned
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) head.put((byte) ' ');
            head.flip();
            AtomicFiles.write(file, tmp -> {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    while (head.hasRemaining()) ch.write(head);
                    for (Tensor t : cpu.values()) {
                        long bytes = t.numel() * elementSize(t.dtype());
                        if (bytes == 0) continue;
                        ByteBuffer data = bytesOf(t, bytes);
                        while (data.hasRemaining()) ch.write(data);
                    }
                    ch.force(true);
                }
            });
        }
    }

    private static ByteBuffer bytesOf(Tensor t, long bytes) {
        return new BytePointer(t.handle().data_ptr()).capacity(bytes).asByteBuffer();
    }

    private static String crcHex(ByteBuffer data) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data.duplicate());
        return String.format(java.util.Locale.ROOT, "%08x", crc.getValue());
    }

    /**
     * Reads every tensor of a safetensors file into CPU tensors, in file order, verifying the checksums the file
     * carries; its {@code __metadata__} (without the checksums) is in {@link StateDict#metadata()}.
     */
    public static StateDict read(Path file) {
        if (!Files.isRegularFile(file)) throw new StateDictException("no such file: " + file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw bad(file, "file is " + size + " bytes, shorter than the 8-byte header length");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER || headerLen > size - 8) {
                throw bad(file, "header length " + headerLen + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer headBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headBuf, 8);
            JsonObject header;
            try {
                JsonReader reader = new JsonReader(new StringReader(new String(headBuf.array(), StandardCharsets.UTF_8)));
                reader.setStrictness(Strictness.STRICT);
                JsonElement parsed = JsonParser.parseReader(reader);
                if (!parsed.isJsonObject()) throw bad(file, "header is not a JSON object");
                header = parsed.getAsJsonObject();
            } catch (RuntimeException e) {
                if (e instanceof StateDictException) throw e;
                throw bad(file, "header is not valid JSON (" + e.getMessage() + ")");
            }
            long dataStart = 8 + headerLen, dataSize = size - dataStart;
            Map<String, String> meta = new LinkedHashMap<>(), crcs = new LinkedHashMap<>();
            JsonElement metaJson = header.get("__metadata__");
            if (metaJson != null) {
                if (!metaJson.isJsonObject()) throw bad(file, "__metadata__ is not a JSON object");
                for (Map.Entry<String, JsonElement> e : metaJson.getAsJsonObject().entrySet()) {
                    if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
                        throw bad(file, "__metadata__ entry '" + e.getKey() + "' is not a string");
                    }
                    (e.getKey().startsWith(CRC_KEY) ? crcs : meta).put(e.getKey(), e.getValue().getAsString());
                }
            }
            StateDict out = new StateDict();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) continue;
                out.put(e.getKey(), readTensor(file, ch, e.getKey(), e.getValue(), dataStart, dataSize, crcs.get(CRC_KEY + e.getKey())));
            }
            out.describe(file, meta);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Tensor readTensor(Path file, FileChannel ch, String key, JsonElement spec, long dataStart, long dataSize,
                                     String crc) throws IOException {
        try {
            if (!spec.isJsonObject()) throw bad(file, "tensor '" + key + "' is not described by a JSON object");
            JsonObject o = spec.getAsJsonObject();
            String code = string(file, key, o, "dtype");
            DType dtype = null;
            for (Map.Entry<DType, String> c : CODES.entrySet()) if (c.getValue().equals(code)) dtype = c.getKey();
            if (dtype == null) throw bad(file, "tensor '" + key + "' has unsupported dtype " + code);
            long[] shape = integers(file, key, o, "shape", -1);
            long numel = 1;
            for (long d : shape) {
                if (d < 0) throw bad(file, "tensor '" + key + "' has a negative dimension");
                numel = Math.multiplyExact(numel, d);
            }
            long[] range = integers(file, key, o, "data_offsets", 2);
            long begin = range[0], end = range[1];
            long bytes = Math.multiplyExact(numel, elementSize(dtype));
            if (begin < 0 || end < begin || end > dataSize || end - begin != bytes) {
                throw bad(file, "tensor '" + key + "' (" + code + " " + java.util.Arrays.toString(shape) + ", " + bytes
                        + " bytes) has byte range [" + begin + ", " + end + ") outside the " + dataSize + " data bytes");
            }
            Tensor t = Tensor.zeros(dtype, shape);
            if (bytes > 0) {
                MappedByteBuffer src = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, bytes);
                bytesOf(t, bytes).put(src);
            }
            if (crc != null) {
                String actual = crcHex(bytes == 0 ? ByteBuffer.allocate(0) : bytesOf(t, bytes));
                if (!actual.equalsIgnoreCase(crc)) {
                    throw bad(file, "tensor '" + key + "' is damaged: its bytes have checksum " + actual + ", the file says " + crc);
                }
            }
            return t;
        } catch (ArithmeticException | IllegalStateException | ClassCastException | NullPointerException | IndexOutOfBoundsException
                 | UnsupportedOperationException e) {
            throw bad(file, "tensor '" + key + "' has a malformed header entry (" + e + ")");
        }
    }

    /** The header entry's string field {@code name}, or an error naming the tensor and the field. */
    private static String string(Path file, String key, JsonObject o, String name) {
        JsonElement v = o.get(name);
        if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
            throw bad(file, "tensor '" + key + "': " + name + " must be a string, got " + (v == null ? "nothing" : abbreviated(v)));
        }
        return v.getAsString();
    }

    /** The header entry's field {@code name}: an array of whole numbers ({@code count} of them, or any when -1). */
    private static long[] integers(Path file, String key, JsonObject o, String name, int count) {
        JsonElement v = o.get(name);
        String want = name + " must be an array of " + (count < 0 ? "" : count + " ") + "whole numbers, got ";
        if (v == null || !v.isJsonArray() || (count >= 0 && v.getAsJsonArray().size() != count)) {
            throw bad(file, "tensor '" + key + "': " + want + (v == null ? "nothing" : abbreviated(v)));
        }
        JsonArray a = v.getAsJsonArray();
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement e = a.get(i);
            java.math.BigDecimal d = e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsBigDecimal() : null;
            if (d == null || d.signum() != 0 && d.stripTrailingZeros().scale() > 0 || d.abs().compareTo(LONG_MAX) > 0) {
                throw bad(file, "tensor '" + key + "': " + want + abbreviated(v));
            }
            out[i] = d.longValue();
        }
        return out;
    }

    private static final java.math.BigDecimal LONG_MAX = java.math.BigDecimal.valueOf(Long.MAX_VALUE);

    private static String abbreviated(JsonElement v) {
        String s = v.toString();
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) throw new IOException("unexpected end of file");
            pos += n;
        }
    }

    private static StateDictException bad(Path file, String reason) {
        return new StateDictException("not a valid safetensors file: " + file + ": " + reason);
    }
}
