package dev.torch4j.vision;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.torch4j.nn.Fixtures;
import dev.torch4j.nn.Layer;
import dev.torch4j.io.StateDict;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The zoo against torchvision 0.14.1 (fixtures from tests/python/make_zoo_fixtures.py): small models of the same
 * classes give the same logits from the same .pth weights, and every full-size model has torchvision's keys and shapes.
 */
class ZooParityTest {
    private static Layer small(String name) {
        switch (name) {
            case "resnet-basic": return new ResNet(ResNet.Block.BASIC, new int[] {2, 1, 1, 1}, 5, 8);
            case "resnet-bottleneck": return new ResNet(ResNet.Block.BOTTLENECK, new int[] {1, 2, 1, 1}, 5, 4);
            case "vgg-bn": return new Vgg("8 M 16 16 M 16 M", true, 5, 32);
            case "vgg": return new Vgg("8 8 M 16 M", false, 5, 32);
            default: throw new IllegalArgumentException(name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet-basic", "resnet-bottleneck", "vgg-bn", "vgg"})
    void logitsEqualTorchvisionsFromTheSameWeights(String name) {
        try (Scope s = Scope.open()) {
            StateDict io = StateDict.load(Fixtures.path("zoo/" + name + "-io.pth"));
            for (String file : List.of(name + ".pth", name + "-legacy.pth")) {
                Layer m = Weights.load(small(name), Fixtures.path("zoo/" + file));
                Fixtures.assertClose(m.eval().call(io.get("input")), io.get("logits"), 1e-4);
                if (name.startsWith("resnet")) { // batch statistics in training mode
                    Fixtures.assertClose(m.train().call(io.get("input")), io.get("train_logits"), 1e-4);
                }
            }
        }
    }

    @Test void bothTorchSaveFormatsReadTheSameTensors() {
        try (Scope s = Scope.open()) {
            StateDict zip = StateDict.load(Fixtures.path("zoo/resnet-basic.pth"));
            StateDict legacy = StateDict.load(Fixtures.path("zoo/resnet-basic-legacy.pth"));
            assertThat(legacy.keySet()).containsExactlyElementsOf(zip.keySet());
            for (String k : zip.keySet()) assertThat(legacy.get(k).equal(zip.get(k))).as(k).isTrue();
            assertThat(zip.get("bn1.num_batches_tracked").itemLong()).isEqualTo(7); // int64 storage
            assertThat(zip.get("layer1.0.conv1.weight").shape()).containsExactly(8, 8, 3, 3);
        }
    }

    @Test void everyZooModelHasTorchvisionsKeysShapesAndParameterCount() throws Exception {
        JsonObject all = JsonParser.parseString(Files.readString(Fixtures.path("zoo/keys.json"))).getAsJsonObject();
        assertThat(all.keySet()).hasSize(12);
        for (Map.Entry<String, JsonElement> e : all.entrySet()) {
            JsonObject ref = e.getValue().getAsJsonObject();
            try (Scope s = Scope.open(); Layer m = Zoo.create(e.getKey(), Zoo.IMAGENET_CLASSES)) {
                List<String> expected = new ArrayList<>(), actual = new ArrayList<>();
                for (JsonElement kv : ref.getAsJsonArray("state")) {
                    JsonArray a = kv.getAsJsonArray();
                    expected.add(a.get(0).getAsString() + " " + a.get(1));
                }
                for (Map.Entry<String, Tensor> kv : m.stateDict().entrySet()) {
                    actual.add(kv.getKey() + " " + Arrays.toString(kv.getValue().shape()).replace(" ", ""));
                }
                assertThat(actual).as(e.getKey()).containsExactlyElementsOf(expected);
                assertThat(m.parameterCount()).as(e.getKey()).isEqualTo(ref.get("params").getAsLong());
                if (ref.has("features_params")) {
                    assertThat(((Vgg) m).features().parameterCount()).isEqualTo(ref.get("features_params").getAsLong());
                    assertThat(Zoo.create(e.getKey() + "-features", 1).parameterCount()).isEqualTo(ref.get("features_params").getAsLong());
                }
            }
        }
    }

    @Test void aHeadOfAnotherSizeIsNamedWhenLoadingImageNetWeights() throws Exception {
        try (Scope s = Scope.open()) {
            java.nio.file.Path dir = Files.createTempDirectory("weights");
            java.nio.file.Path f = dir.resolve("w.safetensors");
            new Vgg("8 M", false, 5, 32).stateDict().save(f);
            Vgg other = new Vgg("8 M", false, 3, 32);
            Tensor before = other.classifier().get(6).stateDict().get("weight").clone();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Weights.load(other, f))
                    .hasMessageContaining(f.toString()).hasMessageContaining("classifier.6.weight").hasMessageContaining("[5, 32]")
                    .hasMessageContaining("[3, 32]");
            assertThat(other.classifier().get(6).stateDict().get("weight").equal(before)).isTrue(); // nothing changed
        }
    }

    @Test void vggFeaturesLoadFromAWholeModelFileOrAFeaturesFile() throws Exception {
        try (Scope s = Scope.open()) {
            java.nio.file.Path dir = Files.createTempDirectory("weights");
            Vgg whole = new Vgg("8 M 16 M", true, 5, 32);
            whole.stateDict().save(dir.resolve("whole.safetensors"));
            whole.features().stateDict().save(dir.resolve("features.safetensors"));
            for (String f : List.of("whole.safetensors", "features.safetensors")) {
                dev.torch4j.nn.Sequential feats = Weights.vggFeatures("8 M 16 M", true, dir.resolve(f));
                for (Map.Entry<String, Tensor> e : whole.features().stateDict().entrySet()) {
                    assertThat(feats.stateDict().get(e.getKey()).equal(e.getValue())).as(f + " " + e.getKey()).isTrue();
                }
            }
            // torchvision's real file is a whole model: the classifier keys are dropped, the features checked strictly
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Weights.vggFeatures("8 M", true, dir.resolve("whole.safetensors")))
                    .hasMessageContaining("whole.safetensors does not fit");
        }
    }
}
