package dev.torch4j.data;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IdxTest {
    @TempDir Path dir;

    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        return b.put(data).array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(raw);
        }
        return out.toByteArray();
    }

    @Test void readsRawAndGzippedFiles() throws IOException {
        byte[] pixels = new byte[2 * 3 * 4];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i * 10);
        Path raw = Files.write(dir.resolve("x-idx3-ubyte"), idx(new int[] {2, 3, 4}, pixels));
        Path gz = Files.write(dir.resolve("x-idx3-ubyte.gz"), gzip(idx(new int[] {2, 3, 4}, pixels)));
        for (Path p : new Path[] {raw, gz}) {
            Tensor t = Idx.read(p);
            assertThat(t.dtype()).isEqualTo(DType.UINT8);
            assertThat(t.shape()).containsExactly(2, 3, 4);
            assertThat(t.toLongArray()[23]).isEqualTo(230);
        }
    }

    @Test void reportsTruncatedCorruptAndForeignFilesByNameAndReason() throws IOException {
        byte[] full = idx(new int[] {10}, new byte[10]);
        Path cut = Files.write(dir.resolve("cut.gz"), gzip(Arrays.copyOf(full, full.length - 3)));
        assertThatThrownBy(() -> Idx.read(cut)).hasMessageContaining("cut.gz").hasMessageContaining("truncated")
                .hasMessageContaining("[10] = 10 bytes of data, but only 7 follow");
        byte[] gz = gzip(full);
        Path brokenGzip = Files.write(dir.resolve("broken.gz"), Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> Idx.read(brokenGzip)).hasMessageContaining("broken.gz");
        Path png = Files.write(dir.resolve("image.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0});
        assertThatThrownBy(() -> Idx.read(png)).hasMessageContaining("image.png is not an IDX file");
        Path extra = Files.write(dir.resolve("extra"), idx(new int[] {2}, new byte[3]));
        assertThatThrownBy(() -> Idx.read(extra)).hasMessageContaining("data beyond the 2 bytes");
        Path floats = Files.write(dir.resolve("floats"), new byte[] {0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0});
        assertThatThrownBy(() -> Idx.read(floats)).hasMessageContaining("element type 0xd is not supported");
        assertThatThrownBy(() -> Idx.read(dir.resolve("absent"))).hasMessageContaining("no such IDX file");
    }

    @Test void theEmbeddedSampleIsRealFashionMnist() {
        MnistData s = FashionMnist.sample();
        assertThat(s.train().inputs().shape()).containsExactly(6000, 1, 28, 28);
        assertThat(s.test().targets().shape()).containsExactly(1000);
        assertThat(s.classes()).hasSize(10).startsWith("T-shirt/top");
        // the first training label of Fashion-MNIST is 9 (ankle boot), the first test label 9 as well
        assertThat(s.train().targets().get(0).itemLong()).isEqualTo(9);
        assertThat(s.test().targets().get(0).itemLong()).isEqualTo(9);
    }

    @Test void readsTheRealFashionMnistWhenInstalled() {
        assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "dataset-fashion-mnist is not installed");
        MnistData f = FashionMnist.load(FashionMnist.DEBIAN_DIR);
        assertThat(f.train().inputs().shape()).containsExactly(60000, 1, 28, 28);
        assertThat(f.test().targets().shape()).containsExactly(10000);
        // every class has exactly 6,000 training images in Fashion-MNIST
        assertThat(f.train().targets().eq(9).sum().itemLong()).isEqualTo(6000);
        assertThat(f.train().inputs().max().item()).isEqualTo(1.0);
    }
}
