package dev.torch4j.optim;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.torch4j.nn.Fixtures;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Learning-rate sequences against PyTorch 1.13.1 (fixtures/schedulers.json), to 1e-6. */
class SchedulerTest {
    private static final double[] PLATEAU = {1.0, 0.9, 0.95, 0.96, 0.97, 0.89, 0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98};

    private static JsonObject fixtures() throws IOException {
        return JsonParser.parseString(Files.readString(Fixtures.path("schedulers.json"))).getAsJsonObject();
    }

    private static Optimizer sgd() {
        return Sgd.of(0.1).on(List.of(Tensor.zeros(1).requiresGrad(true)));
    }

    private static void check(JsonArray expected, Optimizer opt, Runnable step) {
        for (int e = 0; e < expected.size(); e++) {
            assertThat(opt.lr()).as("epoch %d", e).isCloseTo(expected.get(e).getAsDouble(), within(1e-6));
            step.run();
        }
    }

    private static void checkScheduler(JsonArray expected, Function<Optimizer, LrScheduler> make) {
        Optimizer opt = sgd();
        LrScheduler s = make.apply(opt);
        check(expected, opt, s::step);
    }

    @Test void epochSchedulers() throws IOException {
        JsonObject fx = fixtures();
        checkScheduler(fx.getAsJsonArray("step_5_0.1"), o -> StepLR.of(o, 5, 0.1));
        checkScheduler(fx.getAsJsonArray("multistep_3_7_0.5"), o -> MultiStepLR.of(o, new int[] {7, 3}, 0.5));
        checkScheduler(fx.getAsJsonArray("exponential_0.9"), o -> ExponentialLR.of(o, 0.9));
        checkScheduler(fx.getAsJsonArray("cosine_10_0.001"), o -> CosineAnnealingLR.of(o, 10, 0.001));
    }

    @Test void reduceOnPlateau() throws IOException {
        JsonObject fx = fixtures();
        Optimizer a = sgd();
        ReduceLROnPlateau min = ReduceLROnPlateau.of(a, ReduceLROnPlateau.Mode.MIN).factor(0.5).patience(2);
        int[] e = {0};
        check(fx.getAsJsonArray("plateau_min_p2_f0.5"), a, () -> min.step(PLATEAU[e[0]++]));
        Optimizer b = sgd();
        ReduceLROnPlateau max = ReduceLROnPlateau.of(b, ReduceLROnPlateau.Mode.MAX).factor(0.1).patience(1).cooldown(1).minLr(1e-4);
        int[] f = {0};
        check(fx.getAsJsonArray("plateau_max_p1_cd1"), b, () -> max.step(1 - PLATEAU[f[0]++]));
    }

    @Test void schedulersScaleEachGroupFromItsOwnStart() {
        Optimizer opt = Sgd.of(1).on(ParamGroup.of(List.of(Tensor.zeros(1).requiresGrad(true)), 0.1),
                ParamGroup.of(List.of(Tensor.zeros(1).requiresGrad(true)), 0.01));
        StepLR s = StepLR.of(opt, 1, 0.5);
        s.step();
        assertThat(opt.groups().get(0).lr()).isCloseTo(0.05, within(1e-12));
        assertThat(opt.groups().get(1).lr()).isCloseTo(0.005, within(1e-12));
    }
}
