package dev.torch4j.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The random steps draw their parameters from torchvision's distributions: torch4j's draws (its own streams, one
 * per sample) against summaries of torchvision 0.14's get_params (tests/python/make_sampling_fixtures.py), compared
 * within sampling error: each parameter's mean, spread and frequencies in torchvision's decile bins, and for
 * ColorJitter the frequency of each of the 24 orders.
 */
class SamplingTest {
    private static final JsonObject FIXTURE = read();
    private static final int N = FIXTURE.get("n").getAsInt();

    private static JsonObject read() {
        try {
            return JsonParser.parseString(Files.readString(Path.of("tests/resources/fixtures/sampling.json"))).getAsJsonObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject kase(String name) {
        return FIXTURE.getAsJsonObject("cases").getAsJsonObject(name);
    }

    private static double at(JsonObject o, String key, int i) {
        return o.getAsJsonArray(key).get(i).getAsDouble();
    }

    /** N draws of {@code step} on an h x w image, one stream per sample as in training. */
    private static double[][] draw(Transform step, long h, long w) {
        double[][] out = new double[N][];
        for (int i = 0; i < N; i++) out[i] = Pipeline.draws(step, h, w, Pipeline.sampleSeed(77, 0, i));
        return out;
    }

    /** Compares parameter {@code k} of the draws with torchvision's summary {@code name}. */
    private static void same(double[][] draws, int k, JsonObject params, String name) {
        JsonObject ref = params.getAsJsonObject(name);
        double mean = 0, sq = 0;
        for (double[] d : draws) mean += d[k];
        mean /= N;
        for (double[] d : draws) sq += (d[k] - mean) * (d[k] - mean);
        double std = Math.sqrt(sq / (N - 1));
        double refMean = ref.get("mean").getAsDouble(), refStd = ref.get("std").getAsDouble();
        assertThat(mean).as("%s mean", name).isCloseTo(refMean, org.assertj.core.data.Offset.offset(5 * refStd * Math.sqrt(2.0 / N) + 1e-9));
        assertThat(std).as("%s std", name).isCloseTo(refStd, org.assertj.core.data.Offset.offset(6 * refStd / Math.sqrt(N) + 1e-9));
        JsonArray edges = ref.getAsJsonArray("edges"), freq = ref.getAsJsonArray("freq");
        int[] counts = new int[edges.size() + 1];
        for (double[] d : draws) {
            int b = 0;
            while (b < edges.size() && d[k] >= edges.get(b).getAsDouble()) b++;
            counts[b]++;
        }
        for (int b = 0; b < counts.length; b++) {
            double p = freq.get(b).getAsDouble(), got = counts[b] / (double) N;
            assertThat(got).as("%s bin %d of %s", name, b, edges).isCloseTo(p, org.assertj.core.data.Offset.offset(5 * Math.sqrt(2 * p * (1 - p) / N) + 2.0 / N));
        }
    }

    private static void sameAll(double[][] draws, JsonObject kase, String... names) {
        JsonObject params = kase.getAsJsonObject("params");
        for (int k = 0; k < names.length; k++) if (params.has(names[k])) same(draws, k, params, names[k]);
    }

    @Test void randomResizedCropDrawsAsTorchvision() {
        for (String name : new String[] {"rrc_default", "rrc_seed002"}) {
            JsonObject c = kase(name);
            Transform step = new Transform.RandomResizedCrop(32, 32, at(c, "scale", 0), at(c, "scale", 1), at(c, "ratio", 0), at(c, "ratio", 1));
            double[][] d = draw(step, c.get("h").getAsLong(), c.get("w").getAsLong());
            sameAll(d, c, "top", "left", "height", "width");
            for (double[] x : d) { // and every crop lies inside the image
                assertThat(x[0] + x[2]).isLessThanOrEqualTo(c.get("h").getAsDouble());
                assertThat(x[1] + x[3]).isLessThanOrEqualTo(c.get("w").getAsDouble());
            }
        }
    }

    @Test void randomAffineDrawsAsTorchvision() {
        for (String name : new String[] {"affine_full", "affine_seed002"}) {
            JsonObject c = kase(name);
            Transform step = new Transform.RandomAffine(at(c, "degrees", 0), at(c, "degrees", 1), at(c, "translate", 0), at(c, "translate", 1),
                    at(c, "scale", 0), at(c, "scale", 1), at(c, "shear", 0), at(c, "shear", 1), at(c, "shear", 2), at(c, "shear", 3), new double[] {0});
            double[][] d = draw(step, c.get("h").getAsLong(), c.get("w").getAsLong());
            sameAll(d, c, "angle", "tx", "ty", "scale", "shear_x", "shear_y");
        }
        // seed 002's RandomAffine(0, shear=20) as the DSL writes it: x-shear only, the rest fixed
        double[][] d = draw(Transforms.randomAffine(0).shear(20), 150, 150);
        sameAll(d, kase("affine_seed002"), "angle", "tx", "ty", "scale", "shear_x", "shear_y");
        for (double[] x : d) assertThat(new double[] {x[0], x[1], x[2], x[3], x[5]}).containsExactly(0, 0, 0, 1, 0);
    }

    @Test void colorJitterDrawsItsOrderAndFactorsAsTorchvision() {
        JsonObject c = kase("jitter");
        Transform step = Transforms.colorJitter(c.get("brightness").getAsDouble(), c.get("contrast").getAsDouble(),
                c.get("saturation").getAsDouble(), c.get("hue").getAsDouble());
        double[][] d = draw(step, 10, 10);
        Map<String, Integer> orders = new HashMap<>();
        for (double[] x : d) orders.merge("" + (int) x[0] + (int) x[1] + (int) x[2] + (int) x[3], 1, Integer::sum);
        JsonObject ref = c.getAsJsonObject("orders");
        assertThat(orders.keySet()).isEqualTo(ref.keySet());
        for (String k : ref.keySet()) {
            double p = ref.get(k).getAsDouble();
            assertThat(orders.get(k) / (double) N).as("order %s", k).isCloseTo(p, org.assertj.core.data.Offset.offset(5 * Math.sqrt(2 * p * (1 - p) / N)));
        }
        Function<double[], double[]> factors = x -> new double[] {x[4], x[5], x[6], x[7]};
        double[][] f = new double[N][];
        for (int i = 0; i < N; i++) f[i] = factors.apply(d[i]);
        sameAll(f, c, "brightness", "contrast", "saturation", "hue");
    }

    @Test void randomRotationDrawsAsTorchvision() {
        JsonObject c = kase("rotation");
        sameAll(draw(Transforms.randomRotation(at(c, "degrees", 1)), 50, 50), c, "angle");
    }

    @Test void aTransformWithoutRandomnessHasNoDraws() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Pipeline.draws(Transforms.resize(10, 10), 20, 20, 1))
                .hasMessageContaining("the step draws nothing");
    }
}
