package dev.torch4j.train;

import dev.torch4j.nn.Fixtures;
import dev.torch4j.io.StateDict;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Losses and their gradients against PyTorch 1.13.1 (fixtures/losses.safetensors). */
class LossTest {
    private static final double TOL = 1e-6;
    private final StateDict fx = Fixtures.load("losses.safetensors");

    private void check(String name, Loss loss, String input, String target, java.util.function.UnaryOperator<Tensor> before) {
        Tensor x = fx.get(input).clone().requiresGrad(true);
        Tensor v = loss.compute(before.apply(x), fx.get(target));
        v.backward();
        Fixtures.assertClose(v, fx.get(name + ".value"), TOL);
        Fixtures.assertClose(x.grad(), fx.get(name + ".grad"), TOL);
    }

    @Test void crossEntropyVariants() {
        check("ce_mean", Loss.crossEntropy(), "logits", "target", x -> x);
        check("ce_sum", Loss.crossEntropy().reduction(Reduction.SUM), "logits", "target", x -> x);
        check("ce_weight", Loss.crossEntropy().weights(fx.get("weight")), "logits", "target", x -> x);
        check("ce_smooth", Loss.crossEntropy().labelSmoothing(0.1), "logits", "target", x -> x);
        check("ce_weight_smooth", Loss.crossEntropy().weights(fx.get("weight")).labelSmoothing(0.2), "logits", "target", x -> x);
        check("nll", Loss.nll(), "logits", "target", x -> x.logSoftmax(1));
    }

    @Test void binaryAndRegressionLosses() {
        check("bce_logits", Loss.bceWithLogits(), "bin_logits", "bin_target", x -> x);
        check("bce_logits_sum", Loss.bceWithLogits(Reduction.SUM), "bin_logits", "bin_target", x -> x);
        check("bce", Loss.bce(), "bin_logits", "bin_target", Tensor::sigmoid);
        check("mse", Loss.mse(), "mse_input", "mse_target", x -> x);
        check("mse_sum", Loss.mse(Reduction.SUM), "mse_input", "mse_target", x -> x);
    }

    @Test void badTargetsAreExplained() {
        Tensor logits = Tensor.zeros(3, 4);
        assertThatThrownBy(() -> Loss.crossEntropy().compute(logits, Tensor.of(new long[] {0, 4, 1})))
                .hasMessage("target labels must be in [0, 3] for 4 classes, got labels from 0 to 4");
        assertThatThrownBy(() -> Loss.crossEntropy().compute(logits, Tensor.of(new long[] {0, 1})))
                .hasMessageContaining("[3, 4]").hasMessageContaining("[2]");
        assertThatThrownBy(() -> Loss.bceWithLogits().compute(Tensor.zeros(3, 1), Tensor.zeros(3)))
                .hasMessageContaining("output [3, 1] and target [3] must have the same shape");
        assertThatThrownBy(() -> Loss.crossEntropy().weights(Tensor.ones(3)).compute(logits, Tensor.of(new long[] {0, 1, 2})))
                .hasMessageContaining("4 classes");
    }
}
