package dev.torch4j.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.torch4j.nn.Fixtures;
import dev.torch4j.io.StateDict;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decoding and transforms against Pillow 9.4 + torchvision 0.14.1 (tests/python/make_image_fixtures.py):
 * every file of every colour type decodes to Pillow's RGB exactly, and every transform with fixed
 * parameters gives torchvision's tensor exactly (same 8-bit values, then the same float arithmetic).
 */
class TransformFixtureTest {
    private Scope scope;

    @BeforeEach void open() {
        scope = Scope.open();
    }

    @AfterEach void close() {
        scope.close();
    }

    static Path image(String name) {
        return Fixtures.path("images/" + name);
    }

    @TestFactory Stream<DynamicTest> everyColourTypeDecodesAsPillowDoes() {
        StateDict expected = StateDict.load(image("decoded.safetensors"));
        Pipeline toTensor = Transforms.compose(Transforms.toTensor());
        return expected.keySet().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            try (Scope s = Scope.open()) {
                Tensor want = expected.get(name).permute(2, 0, 1).to(DType.FLOAT32).div(255);
                assertExact(toTensor.load(image(name)), want, name);
            }
        }));
    }

    @TestFactory Stream<DynamicTest> transformsMatchTorchvision() throws IOException {
        StateDict expected = StateDict.load(image("transforms.safetensors"));
        JsonArray cases = JsonParser.parseString(Files.readString(image("transforms.json"))).getAsJsonArray();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            String name = c.get("name").getAsString();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                try (Scope s = Scope.open()) {
                    Pipeline p = pipeline(c.getAsJsonArray("steps"));
                    String source = c.get("source").getAsString();
                    Tensor got = source.equals("mnist_input")
                            ? p.apply(expected.get(source).reshape(1, 28, 28), 0).select(0, 0)
                            : p.load(image(source));
                    assertExact(got, expected.get(name), name);
                }
            }));
        }
        return tests.stream();
    }

    /** The fixture's steps as torch4j transforms; a final ToTensor is added where the fixture has none. */
    static Pipeline pipeline(JsonArray steps) {
        List<Transform> out = new ArrayList<>();
        for (JsonElement e : steps) {
            JsonObject s = e.getAsJsonObject();
            out.add(switch (s.get("op").getAsString()) {
                case "resize" -> s.get("w").getAsInt() == 0 // w 0: the fixture resized the shorter side only
                        ? Transforms.resize(s.get("h").getAsInt()) : Transforms.resize(s.get("h").getAsInt(), s.get("w").getAsInt());
                case "center_crop" -> Transforms.centerCrop(s.get("h").getAsInt(), s.get("w").getAsInt());
                case "crop" -> Transforms.crop(s.get("top").getAsInt(), s.get("left").getAsInt(), s.get("h").getAsInt(), s.get("w").getAsInt());
                case "hflip" -> Transforms.horizontalFlip();
                case "grayscale" -> Transforms.grayscale(s.get("channels").getAsInt());
                case "rotate" -> Transforms.rotate(s.get("angle").getAsDouble(), doubles(s.getAsJsonArray("fill")));
                case "affine" -> Transforms.affine(s.get("angle").getAsDouble(), s.get("tx").getAsDouble(), s.get("ty").getAsDouble(),
                        s.get("scale").getAsDouble(), s.get("shear_x").getAsDouble(), s.get("shear_y").getAsDouble());
                case "adjust" -> switch (s.get("which").getAsString()) {
                    case "brightness" -> Transforms.brightness(s.get("factor").getAsDouble());
                    case "contrast" -> Transforms.contrast(s.get("factor").getAsDouble());
                    case "saturation" -> Transforms.saturation(s.get("factor").getAsDouble());
                    default -> Transforms.hue(s.get("factor").getAsDouble());
                };
                case "to_tensor" -> Transforms.toTensor();
                case "normalize" -> Transforms.normalize(doubles(s.getAsJsonArray("mean")), doubles(s.getAsJsonArray("std")));
                default -> throw new IllegalArgumentException("unknown fixture op " + s);
            });
        }
        if (out.stream().noneMatch(t -> t instanceof Transform.ToTensor)) out.add(Transforms.toTensor());
        return Transforms.compose(out.toArray(Transform[]::new));
    }

    static double[] doubles(JsonArray a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) d[i] = a.get(i).getAsDouble();
        return d;
    }

    /** Same shape, every value equal; on failure, says how many differ and the largest difference in 8-bit levels. */
    static void assertExact(Tensor got, Tensor want, String what) {
        assertThat(got.shape()).as(what + " shape").containsExactly(want.shape());
        float[] g = got.toFloatArray(), w = want.toFloatArray();
        int differ = 0, first = -1;
        double worst = 0;
        for (int i = 0; i < g.length; i++) {
            if (g[i] != w[i]) {
                if (first < 0) first = i;
                differ++;
                worst = Math.max(worst, Math.abs(g[i] - w[i]));
            }
        }
        assertThat(differ).as("%s: %d of %d values differ, largest by %.5f (%.2f levels of 255), first at %d: got %s want %s",
                what, differ, g.length, worst, worst * 255, first, first < 0 ? "" : g[first], first < 0 ? "" : w[first]).isZero();
    }
}
