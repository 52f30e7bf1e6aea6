package dev.torch4j.nn;

import dev.torch4j.io.SafeTensors;
import dev.torch4j.io.StateDict;
import dev.torch4j.io.StateDictException;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.recipes.LeNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checksums in every safetensors file torch4j writes, non-finite weights refused, files written like any other. */
class CheckedWeightsTest {
    @TempDir Path dir;

    private static long dataStart(byte[] file) {
        return 8 + ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test void everyTensorCarriesAChecksumThatPythonIgnores() throws IOException {
        Path f = dir.resolve("lenet.safetensors");
        new LeNet().save(f);
        byte[] bytes = Files.readAllBytes(f);
        String header = new String(bytes, 8, (int) (dataStart(bytes) - 8), StandardCharsets.UTF_8).trim();
        // __metadata__ is a map of strings, as Python's safetensors requires
        assertThat(header).contains("\"__metadata__\":{\"crc32c/conv1.weight\":\"");
        assertThat(header.split("crc32c/", -1)).hasSize(new LeNet().stateDict().size() + 1);
        // the checksum is CRC-32C of the tensor's little-endian bytes, computed here independently
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        StateDict sd = StateDict.load(f);
        float[] w = sd.get("conv1.weight").toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(w.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : w) b.putFloat(v);
        crc.update(b.array());
        assertThat(header).contains(String.format("\"crc32c/conv1.weight\":\"%08x\"", crc.getValue()));
        assertThat(sd.metadata()).isEmpty(); // checksums are not user metadata
    }

    @Test void aFlippedBitIsAnErrorNamingTheFileAndTheTensor() throws IOException {
        Path f = dir.resolve("w.safetensors");
        LeNet model = new LeNet();
        model.save(f);
        byte[] bytes = Files.readAllBytes(f);
        int at = (int) dataStart(bytes) + 4 * 10; // inside conv1.weight, the first tensor
        bytes[at] ^= 0x10;
        Files.write(f, bytes);
        LeNet target = new LeNet();
        float[] before = target.stateDict().get("conv1.weight").toFloatArray();
        assertThatThrownBy(() -> target.load(f)).isInstanceOf(StateDictException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("tensor 'conv1.weight' is damaged");
        assertThat(target.stateDict().get("conv1.weight").toFloatArray()).containsExactly(before);
    }

    /** A safetensors file of one 8-byte data block under the given header. */
    private Path withHeader(String name, String header) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return Files.write(dir.resolve(name), b.array());
    }

    @Test void headerFieldsOfTheWrongTypeAreNamed() throws IOException {
        String[][] cases = { // header entry of tensor 'w', expected message
            {"{\"dtype\":\"F32\",\"shape\":\"fc885b61\",\"data_offsets\":[0,8]}", "tensor 'w': shape must be an array of whole numbers, got \"fc885b61\""},
            {"{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}", "tensor 'w': data_offsets must be an array of 2 whole numbers, got [0]"},
            {"{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}", "tensor 'w': shape must be an array of whole numbers, got [1.5]"},
            {"{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[\"0\",8]}", "tensor 'w': data_offsets must be an array of 2 whole numbers, got [\"0\",8]"},
            {"{\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,8]}", "tensor 'w': dtype must be a string, got 7"},
            {"{\"shape\":[2],\"data_offsets\":[0,8]}", "tensor 'w': dtype must be a string, got nothing"},
            {"[1,2]", "tensor 'w' is not described by a JSON object"},
            {"{\"dtype\":\"F32\",\"shape\":[1e30],\"data_offsets\":[0,8]}", "tensor 'w': shape must be an array of whole numbers, got [1e30]"},
        };
        int i = 0;
        for (String[] c : cases) {
            Path f = withHeader("bad" + i++ + ".safetensors", "{\"w\":" + c[0] + "}");
            assertThatThrownBy(() -> StateDict.load(f)).isInstanceOf(StateDictException.class)
                    .hasMessage("not a valid safetensors file: " + f + ": " + c[1]);
        }
        Path good = withHeader("good.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}");
        assertThat(StateDict.load(good).get("w").toFloatArray()).containsExactly(0f, 0f);
    }

    @Test void filesWithoutChecksumsLoadAsBefore() throws IOException {
        // a file as Python's safetensors writes it: no __metadata__
        Path f = dir.resolve("plain.safetensors");
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        ByteBuffer b = ByteBuffer.allocate(8 + json.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length()).put(json.getBytes(StandardCharsets.UTF_8)).putFloat(1.5f).putFloat(-2f);
        Files.write(f, b.array());
        assertThat(StateDict.load(f).get("w").toFloatArray()).containsExactly(1.5f, -2f);
    }

    @Test void nonFiniteWeightsAreRefusedUnlessAllowed() {
        LeNet model = new LeNet();
        StateDict sd = model.stateDict();
        Map<String, Tensor> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : sd.entrySet()) copy.put(e.getKey(), e.getValue().clone());
        copy.get("fc_2.bias").handle().index_fill_(0, Tensor.of(new long[] {3, 5}).handle(), new org.bytedeco.pytorch.Scalar(Double.NaN));
        Path f = dir.resolve("nan.safetensors");
        SafeTensors.write(copy, f);
        LeNet target = new LeNet();
        float[] before = target.stateDict().get("fc_2.bias").toFloatArray();
        assertThatThrownBy(() -> target.load(f)).isInstanceOf(StateDictException.class)
                .hasMessageContaining(f + ": tensor 'fc_2.bias' holds 2 NaN or infinite value(s) of 84").hasMessageContaining("allowNonFinite(true)");
        assertThat(target.stateDict().get("fc_2.bias").toFloatArray()).containsExactly(before);
        target.loadStateDict(StateDict.load(f).allowNonFinite(true), true);
        assertThat(target.stateDict().get("fc_2.bias").toFloatArray()[3]).isNaN();
    }

    @Test void writtenFilesGetOrdinaryPermissionsAndStaleTemporariesGo() throws Exception {
        Path f = dir.resolve("m.safetensors");
        // a temporary file left by a process that was killed (a pid that cannot be alive) and one of a live process
        Path stale = dir.resolve(".m.safetensors.2147483646.abc.tmp"), live = dir.resolve(".m.safetensors." + ProcessHandle.current().pid() + ".def.tmp");
        Files.writeString(stale, "half");
        Files.writeString(live, "being written");
        new LeNet().save(f);
        assertThat(stale).doesNotExist();
        assertThat(live).exists();
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x"); // what any new file gets under this umask
        assertThat(PosixFilePermissions.toString(perms)).isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)));
        assertThat(perms).contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OTHERS_READ);
        assertThat(Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".tmp"))).containsExactly(live);
    }
}
