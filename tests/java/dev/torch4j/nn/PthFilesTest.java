package dev.torch4j.nn;

import dev.torch4j.io.StateDict;
import dev.torch4j.io.StateDictException;
import dev.torch4j.tensor.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PyTorch .pth files: what torch.save writes is read; anything else is refused with the file and the reason. */
class PthFilesTest {
    @TempDir Path dir;

    @Test void readsAPlainDictAndATrainingCheckpoint() {
        try (Scope s = Scope.open()) {
            StateDict plain = StateDict.load(Fixtures.path("zoo/linear.pth"));
            assertThat(plain.keySet()).containsExactly("weight", "bias");
            assertThat(plain.get("weight").toFloatArray()).containsExactly(new float[] {-0.7603f, -0.3408f, -0.2843f, -0.7341f, 0.0819f, -0.5450f},
                    org.assertj.core.data.Offset.offset(1e-4f));
            // {"epoch": 3, "loss": 0.25, "model_state_dict": ..., "optimizer_state_dict": {int keys, floats, lists, None}}
            StateDict fromCheckpoint = StateDict.load(Fixtures.path("zoo/checkpoint.pth"));
            assertThat(fromCheckpoint.keySet()).containsExactly("weight", "bias");
            assertThat(fromCheckpoint.get("bias").equal(plain.get("bias"))).isTrue();
        }
    }

    /** A zip as torch.save lays it out, with this pickle and these storages. */
    private Path pth(String name, byte[] pickle, String... storages) throws Exception {
        Path f = dir.resolve(name);
        try (OutputStream o = Files.newOutputStream(f); ZipOutputStream z = new ZipOutputStream(o)) {
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            z.write(pickle);
            for (String st : storages) {
                String[] kv = st.split("=");
                z.putNextEntry(new ZipEntry("archive/data/" + kv[0]));
                z.write(new byte[Integer.parseInt(kv[1])]);
            }
        }
        return f;
    }

    private static byte[] pickle(String... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x80);
        b.write(2);
        for (String p : parts) b.writeBytes(p.getBytes(StandardCharsets.ISO_8859_1));
        b.write('.');
        return b.toByteArray();
    }

    private static String str(String s) {
        int n = s.length();
        return "X" + (char) n + "\0\0\0" + s;
    }

    /** {key: tensor of size [size] on storage 0 (numel floats)}. */
    private static byte[] oneTensor(String key, int numel, int size) {
        return pickle("}(", str(key), "ctorch._utils\n_rebuild_tensor_v2\n", "((", str("storage"), "ctorch\nFloatStorage\n", str("0"),
                str("cpu"), "K" + (char) numel, "tQ", "K\0", "K" + (char) size + "\u0085", "K\1\u0085", "\u0089", "}", "tR", "u");
    }

    @Test void aWellFormedHandMadeFileIsRead() throws Exception {
        try (Scope s = Scope.open()) {
            StateDict sd = StateDict.load(pth("ok.pth", oneTensor("w", 3, 3), "0=12"));
            assertThat(sd.get("w").shape()).containsExactly(3);
        }
    }

    @Test void codeInThePickleIsRefusedNotRun() throws Exception {
        Path f = pth("evil.pth", pickle("cos\nsystem\n", str("touch " + dir.resolve("pwned")), "\u0085R"));
        assertThatThrownBy(() -> StateDict.load(f)).isInstanceOf(StateDictException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("refers to os.system").hasMessageContaining("never runs code");
        assertThat(dir.resolve("pwned")).doesNotExist();
        Path inst = pth("inst.pth", pickle("(ibuiltins\neval\n"));
        assertThatThrownBy(() -> StateDict.load(inst)).hasMessageContaining("opcode 0x69 ('i') is outside the state-dict subset");
    }

    @Test void sizesThatDoNotAddUpAreNamed() throws Exception {
        Path wrongStorage = pth("a.pth", oneTensor("w", 20, 3), "0=12");
        assertThatThrownBy(() -> StateDict.load(wrongStorage))
                .hasMessageContaining("storage 0 holds 12 bytes, the pickle says 20 x float32 = 80");
        Path pastTheEnd = pth("b.pth", oneTensor("w", 3, 5), "0=12");
        assertThatThrownBy(() -> StateDict.load(pastTheEnd))
                .hasMessageContaining("a tensor of size [5] at offset 0 reaches past storage 0 (3 elements)");
        Path missing = pth("c.pth", oneTensor("w", 3, 3));
        assertThatThrownBy(() -> StateDict.load(missing)).hasMessageContaining("storage 0 is named in the pickle but missing from the zip");
        Path huge = pth("d.pth", pickle("}(", str("w"), "ctorch._utils\n_rebuild_tensor_v2\n", "((", str("storage"), "ctorch\nFloatStorage\n",
                str("0"), str("cpu"), "\u008a\u0008\0\0\0\0\0\0\0\u0010", "tQ", "K\0", "K\1\u0085", "K\1\u0085", "\u0089", "}", "tR", "u"), "0=12");
        assertThatThrownBy(() -> StateDict.load(huge)).hasMessageContaining("claims").hasMessageContaining("more than the whole file");
    }

    @Test void aZipWhoseEntryNamesAreNotUtf8IsNamed() throws Exception {
        // found by fuzzing: the zip opens, then java.util.zip throws IllegalArgumentException while listing the entries
        Path f = dir.resolve("finding.pth");
        try (var in = getClass().getResourceAsStream("/dev/torch4j/fuzz/ReaderFuzzTestInputs/pthFiles/finding-entry-name-not-utf8")) {
            Files.write(f, in.readAllBytes());
        }
        assertThatThrownBy(() -> StateDict.load(f)).isInstanceOf(StateDictException.class)
                .hasMessageStartingWith("cannot read " + f + ": a zip entry's name is not valid UTF-8");
    }

    @Test void otherValuesAndTruncatedFilesAreNamed() throws Exception {
        Path notTensor = pth("e.pth", pickle("}(", str("lr"), "G?\u00b9\u0099\u0099\u0099\u0099\u0099\u009a", "u"));
        assertThatThrownBy(() -> StateDict.load(notTensor)).hasMessageContaining("entry 'lr' is 0.1, not a tensor");
        Path cut = pth("f.pth", Arrays.copyOf(oneTensor("w", 3, 3), 40), "0=12");
        assertThatThrownBy(() -> StateDict.load(cut)).hasMessageContaining(cut.toString()).hasMessageContaining("truncated");
        byte[] real = Files.readAllBytes(Fixtures.path("zoo/vgg-legacy.pth"));
        Path cutLegacy = dir.resolve("g.pth");
        Files.write(cutLegacy, Arrays.copyOf(real, real.length - 1000));
        assertThatThrownBy(() -> StateDict.load(cutLegacy)).hasMessageContaining(cutLegacy.toString()).hasMessageContaining("truncated");
        byte[] zip = Files.readAllBytes(Fixtures.path("zoo/vgg.pth"));
        Path cutZip = dir.resolve("h.pth");
        Files.write(cutZip, Arrays.copyOf(zip, zip.length / 2));
        assertThatThrownBy(() -> StateDict.load(cutZip)).isInstanceOf(StateDictException.class).hasMessageContaining(cutZip.toString());
    }
}
