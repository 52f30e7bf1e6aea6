package dev.torch4j.nn;

import dev.torch4j.io.StateDict;
import dev.torch4j.io.StateDictException;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.recipes.SeedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateDictTest {
    @TempDir Path dir;

    /** Keys and shapes of every seed model equal those of its PyTorch original (seed_state_dicts.json). */
    @Test void seedModelsHaveThePyTorchKeysAndShapes() throws IOException {
        JsonObject expected = JsonParser.parseString(Files.readString(Fixtures.path("seed_state_dicts.json"))).getAsJsonObject();
        assertThat(expected.keySet()).hasSizeGreaterThanOrEqualTo(13);
        for (Map.Entry<String, JsonElement> e : expected.entrySet()) {
            List<String> want = new ArrayList<>();
            for (JsonElement kv : e.getValue().getAsJsonObject().getAsJsonArray("state_dict")) {
                JsonArray a = kv.getAsJsonArray();
                want.add(a.get(0).getAsString() + " " + a.get(1));
            }
            try (Layer m = SeedModels.get(e.getKey()).create()) {
                List<String> got = new ArrayList<>();
                for (Map.Entry<String, Tensor> kv : m.stateDict().entrySet()) {
                    got.add(kv.getKey() + " " + Arrays.toString(kv.getValue().shape()).replace(" ", ""));
                }
                assertThat(got).as(e.getKey()).containsExactlyElementsOf(want);
                assertThat(m.parameterCount()).as(e.getKey()).isEqualTo(e.getValue().getAsJsonObject().get("params").getAsLong());
            }
        }
    }

    @Test void safetensorsRoundTripKeepsKeysOrderDtypesAndValues() {
        Layer m = SeedModels.s0Cnn();
        m.train();
        m.call(Tensor.randn(4, 1, 28, 28)); // moves the batch-norm statistics away from their defaults
        Path f = dir.resolve("s0.safetensors");
        m.save(f);
        StateDict back = StateDict.load(f);
        assertThat(back.keySet()).containsExactlyElementsOf(m.stateDict().keySet());
        assertThat(back.get("0.2.num_batches_tracked").dtype()).isEqualTo(DType.INT64);
        assertThat(back.get("0.2.num_batches_tracked").itemLong()).isEqualTo(1);
        Layer fresh = SeedModels.s0Cnn();
        fresh.load(f);
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            assertThat(fresh.stateDict().get(e.getKey()).toFloatArray()).as(e.getKey()).containsExactly(e.getValue().toFloatArray());
        }
    }

    @Test void writesTheSafetensorsLayoutPythonReads() throws IOException {
        StateDict sd = new StateDict();
        sd.put("a", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        sd.put("b", Tensor.of(new long[] {7}));
        Path f = dir.resolve("x.safetensors");
        sd.save(f);
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).isZero();
        JsonObject header = JsonParser.parseString(new String(bytes, 8, (int) n, StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(header.getAsJsonObject("a").get("dtype").getAsString()).isEqualTo("F32");
        assertThat(header.getAsJsonObject("a").get("shape").toString()).isEqualTo("[2,3]");
        assertThat(header.getAsJsonObject("a").get("data_offsets").toString()).isEqualTo("[0,24]");
        assertThat(header.getAsJsonObject("b").get("data_offsets").toString()).isEqualTo("[24,32]");
        assertThat(bytes.length).isEqualTo(8 + n + 32);
        float third = ByteBuffer.wrap(bytes, (int) (8 + n + 8), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertThat(third).isEqualTo(3f);
    }

    @Test void isAnOrderedReadOnlyViewWithKeysNamedOnEveryRefusal() {
        StateDict sd = new StateDict().put("b", Tensor.zeros(2)).put("a", Tensor.ones(3));
        assertThat(sd.keySet()).containsExactly("b", "a");
        assertThatThrownBy(() -> sd.keySet().remove("b")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> sd.asMap().put("c", Tensor.zeros(1))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> sd.require("c")).isInstanceOf(StateDictException.class)
                .hasMessageContaining("no tensor 'c'").hasMessageContaining("(it has b, a)");
        assertThatThrownBy(() -> sd.put("x", null)).hasMessageContaining("'x'");
        assertThat(sd.require("a").shape()).containsExactly(3);
        assertThat(sd.remove("b").shape()).containsExactly(2);
        assertThat(sd.keySet()).containsExactly("a");
        assertThat(sd).hasToString("StateDict(1 tensor)");
    }

    @Test void strictLoadNamesMissingUnexpectedAndMisshapenKeys() {
        Layer m = SeedModels.s2Gap();
        StateDict sd = m.stateDict();
        StateDict wrong = StateDict.of(sd.asMap());
        wrong.remove("10.bias");
        wrong.put("extra.weight", Tensor.zeros(1));
        wrong.put("0.weight", Tensor.zeros(32, 1, 5, 5));
        assertThatThrownBy(() -> m.loadStateDict(wrong, true)).isInstanceOf(StateDictException.class)
                .hasMessageContaining("0.weight: model has [32, 1, 3, 3], file has [32, 1, 5, 5]")
                .hasMessageContaining("missing keys (1): 10.bias")
                .hasMessageContaining("unexpected keys (1): extra.weight");
        wrong.put("0.weight", sd.get("0.weight"));
        StateDict.LoadResult r = m.loadStateDict(wrong, false);
        assertThat(r.missingKeys()).containsExactly("10.bias");
        assertThat(r.unexpectedKeys()).containsExactly("extra.weight");
    }

    @Test void failedLoadChangesNothing() {
        Layer m = SeedModels.s2Gap();
        float[] before = m.stateDict().get("0.weight").toFloatArray();
        StateDict bad = new StateDict();
        bad.put("0.weight", Tensor.ones(32, 1, 3, 3));
        bad.put("10.weight", Tensor.ones(3, 3));
        assertThatThrownBy(() -> m.loadStateDict(bad, false)).hasMessageContaining("10.weight");
        assertThat(m.stateDict().get("0.weight").toFloatArray()).containsExactly(before);
    }

    @Test void corruptOrTruncatedFilesAreReportedByNameAndReason() throws IOException {
        Path f = dir.resolve("good.safetensors");
        StateDict sd = new StateDict();
        sd.put("w", Tensor.ones(10, 10));
        sd.save(f);
        byte[] bytes = Files.readAllBytes(f);

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> StateDict.load(truncated)).isInstanceOf(StateDictException.class)
                .hasMessageContaining("truncated.safetensors").hasMessageContaining("tensor 'w'").hasMessageContaining("outside the");

        Path hugeHeader = dir.resolve("huge.safetensors");
        byte[] h = bytes.clone();
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        Files.write(hugeHeader, h);
        assertThatThrownBy(() -> StateDict.load(hugeHeader)).hasMessageContaining("header length");

        Path notJson = dir.resolve("garbage.safetensors");
        byte[] g = bytes.clone();
        g[9] = '!';
        Files.write(notJson, g);
        assertThatThrownBy(() -> StateDict.load(notJson)).hasMessageContaining("garbage.safetensors");

        assertThatThrownBy(() -> StateDict.load(dir.resolve("absent.safetensors"))).hasMessageContaining("no such file");
    }

    @Test void libtorchArchiveRoundTrip() {
        Layer m = SeedModels.s2Flat();
        Path f = dir.resolve("model.pt");
        m.stateDict().saveArchive(f);
        Layer fresh = SeedModels.s2Flat();
        fresh.loadStateDict(StateDict.loadArchive(f, fresh.stateDict().keySet()), true);
        assertThat(fresh.stateDict().get("9.weight").toFloatArray()).containsExactly(m.stateDict().get("9.weight").toFloatArray());
    }
}
