package dev.torch4j.data;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.BytePointer;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (MNIST, Fashion-MNIST and kin), gzipped or raw: checks the magic number, the dimensions
 * and the length, and reports a truncated or corrupt file by name and reason.
 */
public final class Idx {
    private static final long MAX_ELEMENTS = 1L << 31;

    private Idx() {}

    /** The file's contents as a tensor of its shape (uint8 data stays uint8). */
    public static Tensor read(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such IDX file: " + file);
        try {
            return read(Files.newInputStream(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads IDX data from a stream (gzipped or raw); {@code name} is used in error messages. */
    public static Tensor read(InputStream stream, String name) {
        try (InputStream raw = new BufferedInputStream(stream, 1 << 16)) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f & raw.read() == 0x8b;
            raw.reset();
            try (DataInputStream in = new DataInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw)) {
                return parse(Path.of(name), in);
            }
        } catch (ZipException e) {
            throw new IllegalArgumentException("corrupt gzip data in " + name + ": " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new IllegalArgumentException("IDX data " + name + " is truncated (it ends inside the header or the gzip stream)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static Tensor parse(Path file, DataInputStream in) throws IOException {
        int zero = in.readUnsignedShort(), type = in.readUnsignedByte(), dims = in.readUnsignedByte();
        if (zero != 0) throw new IllegalArgumentException(file + " is not an IDX file: it starts with 0x" + Integer.toHexString(zero) + " instead of 0x0000");
        if (type != 0x08) throw new IllegalArgumentException(file + ": IDX element type 0x" + Integer.toHexString(type) + " is not supported (only unsigned bytes, 0x08)");
        if (dims < 1 || dims > 4) throw new IllegalArgumentException(file + ": IDX file with " + dims + " dimensions (expected 1 to 4)");
        long[] shape = new long[dims];
        long n = 1;
        for (int i = 0; i < dims; i++) {
            shape[i] = Integer.toUnsignedLong(in.readInt());
            n *= Math.max(shape[i], 1);
            if (n > MAX_ELEMENTS) throw new IllegalArgumentException(file + ": IDX dimensions " + Arrays.toString(Arrays.copyOf(shape, i + 1)) + " are implausibly large");
        }
        for (long d : shape) if (d == 0) n = 0;
        // straight into the tensor's memory, a chunk at a time: no heap copy of the whole data (47 MB for MNIST's images).
        // empty, not zeros: a header that announces more than the file holds reserves memory but never touches it
        Tensor t = Tensor.empty(DType.UINT8, shape);
        try {
            fill(file, in, t, shape, n);
        } catch (IOException | RuntimeException e) {
            t.close(); // a refused file leaves nothing behind, even outside a Scope
            throw e;
        }
        return t;
    }

    private static void fill(Path file, DataInputStream in, Tensor t, long[] shape, long n) throws IOException {
        BytePointer dst = n > 0 ? new BytePointer(t.handle().data_ptr()) : null;
        byte[] chunk = new byte[(int) Math.min(n, 1 << 20)];
        long got = 0;
        while (got < n) {
            int r = in.readNBytes(chunk, 0, (int) Math.min(chunk.length, n - got));
            if (r == 0) break;
            dst.position(got).put(chunk, 0, r);
            got += r;
        }
        if (got < n) {
            throw new IllegalArgumentException("IDX file " + file + " is truncated: its header announces " + Arrays.toString(shape) + " = "
                    + n + " bytes of data, but only " + got + " follow");
        }
        if (in.read() != -1) throw new IllegalArgumentException("IDX file " + file + " has data beyond the " + n + " bytes its header " + Arrays.toString(shape) + " announces");
    }
}
