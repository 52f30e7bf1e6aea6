package dev.torch4j.tensor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TensorTest {
    @Test void createsFromArraysWithShape() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(t.shape()).containsExactly(2, 3);
        assertThat(t.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(t.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(Tensor.of(new long[] {7, 8}).toLongArray()).containsExactly(7, 8);
        assertThat(Tensor.of(new int[] {1, 2, 3, 4}, 2, 2).dtype()).isEqualTo(DType.INT32);
        assertThat(Tensor.zeros(3, 4).numel()).isEqualTo(12);
        assertThat(Tensor.full(2.5, 2, 2).toFloatArray()).containsOnly(2.5f);
        assertThat(Tensor.arange(5).toLongArray()).containsExactly(0, 1, 2, 3, 4);
        assertThat(Tensor.arange(0.0, 1.0, 0.25).toFloatArray()).containsExactly(0f, 0.25f, 0.5f, 0.75f);
    }

    @Test void refusesAShapeThatDoesNotHoldTheData() {
        assertThatThrownBy(() -> Tensor.of(new float[] {1, 2, 3}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 2] holds 4 elements but 3 values");
    }

    @Test void arithmeticMatchesHandComputedValues() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new float[] {5, 6, 7, 8}, 2, 2);
        assertThat(a.add(b).toFloatArray()).containsExactly(6, 8, 10, 12);
        assertThat(a.sub(1).mul(2).toFloatArray()).containsExactly(0, 2, 4, 6);
        assertThat(a.matmul(b).toFloatArray()).containsExactly(19, 22, 43, 50);
        assertThat(a.div(b).toFloatArray()[1]).isCloseTo(2f / 6f, within(1e-7f));
        assertThat(a.pow(2).sum().item()).isEqualTo(30.0);
        assertThat(a.mean().item()).isEqualTo(2.5);
        assertThat(a.sum(0, false).toFloatArray()).containsExactly(4, 6);
        assertThat(a.mean(1, true).shape()).containsExactly(2, 1);
        assertThat(a.max().item()).isEqualTo(4.0);
        assertThat(b.argmax(1).toLongArray()).containsExactly(1, 1);
        assertThat(a.gt(2).toLongArray()).containsExactly(0, 0, 1, 1);
        assertThat(a.eq(b.sub(4)).toLongArray()).containsExactly(1, 1, 1, 1);
    }

    @Test void softmaxRowsSumToOneAndMatchTheFormula() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 1, 3);
        float[] p = x.softmax(1).toFloatArray();
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertThat(p[2]).isCloseTo((float) (Math.exp(3) / z), within(1e-6f));
        assertThat(x.logSoftmax(1).toFloatArray()[0]).isCloseTo((float) (1 - Math.log(z)), within(1e-6f));
    }

    @Test void reshapesPermutesAndJoins() {
        Tensor t = Tensor.arange(6).reshape(2, 3);
        assertThat(t.permute(1, 0).contiguous().toLongArray()).containsExactly(0, 3, 1, 4, 2, 5);
        assertThat(t.view(3, 2).shape()).containsExactly(3, 2);
        assertThat(t.flatten(0).shape()).containsExactly(6);
        assertThat(t.unsqueeze(0).shape()).containsExactly(1, 2, 3);
        assertThat(t.get(1).toLongArray()).containsExactly(3, 4, 5);
        assertThat(Tensor.cat(List.of(t, t), 0).shape()).containsExactly(4, 3);
        assertThat(Tensor.stack(List.of(t, t), 0).shape()).containsExactly(2, 2, 3);
        assertThatThrownBy(() -> t.view(4, 2)).isInstanceOf(TorchException.class).hasMessageContaining("shape '[4, 2]' is invalid")
                .hasMessageNotContaining("Exception raised from");
    }

    @Test void autogradComputesGradients() {
        Tensor w = Tensor.of(new float[] {2, -1}).requiresGrad(true);
        Tensor x = Tensor.of(new float[] {3, 4});
        Tensor loss = w.mul(x).sum().pow(2); // (2*3 - 4)^2 = 4, d/dw = 2 * 2 * x
        loss.backward();
        assertThat(loss.item()).isEqualTo(4.0);
        assertThat(w.grad().toFloatArray()).containsExactly(12, 16);
        w.clearGrad();
        assertThat(w.grad()).isNull();
    }

    @Test void noGradStopsRecording() {
        Tensor w = Tensor.ones(2).requiresGrad(true);
        try (Torch.NoGrad g = Torch.noGrad()) {
            assertThat(Torch.gradEnabled()).isFalse();
            assertThat(w.mul(2).requiresGrad()).isFalse();
        }
        assertThat(Torch.gradEnabled()).isTrue();
        assertThat(Torch.noGrad(() -> w.add(1)).requiresGrad()).isFalse();
    }

    @Test void manualSeedRepeatsRandomNumbers() {
        Torch.manualSeed(7);
        float[] a = Tensor.randn(5).toFloatArray();
        Torch.manualSeed(7);
        assertThat(Tensor.randn(5).toFloatArray()).containsExactly(a);
        assertThat(Tensor.rand(100).max().item()).isLessThan(1.0);
    }

    @Test void scopesReleaseAndKeep() {
        Tensor inner, kept;
        try (Scope s = Scope.open()) {
            inner = Tensor.ones(3);
            kept = s.keep(Tensor.ones(3).mul(2));
        }
        assertThat(inner.isReleased()).isTrue();
        assertThat(kept.toFloatArray()).containsExactly(2, 2, 2);
        assertThatThrownBy(inner::numel).isInstanceOf(IllegalStateException.class).hasMessageContaining("released")
                .hasMessageContaining("scope.keep");
        Tensor outer;
        try (Scope a = Scope.open()) {
            try (Scope b = Scope.open()) {
                outer = b.keep(Tensor.ones(1));
            }
            assertThat(outer.isReleased()).isFalse(); // now owned by scope a
        }
        assertThat(outer.isReleased()).isTrue();
        assertThat(Scope.run(() -> Tensor.full(3, 1)).item()).isEqualTo(3.0);
    }

    @Test void itemNeedsOneElement() {
        assertThatThrownBy(() -> Tensor.ones(2).item()).isInstanceOf(IllegalStateException.class).hasMessageContaining("[2]");
    }

    @Test void printsLikePyTorch() {
        // expected strings printed by PyTorch 1.13.1 for the same tensors
        assertThat(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2)).hasToString("tensor([[1., 2.],\n        [3., 4.]])");
        assertThat(Tensor.of(new float[] {0.5f, -1.25f})).hasToString("tensor([ 0.5000, -1.2500])");
        assertThat(Tensor.arange(5)).hasToString("tensor([0, 1, 2, 3, 4])");
        assertThat(Tensor.zeros(2000)).hasToString("tensor([0., 0., 0.,  ..., 0., 0., 0.])");
        assertThat(Tensor.of(new float[] {1e-5f, 1f})).hasToString("tensor([1.0000e-05, 1.0000e+00])");
        assertThat(Tensor.scalar(1.5)).hasToString("tensor(1.5000)");
        assertThat(Tensor.of(new int[] {1, 2})).hasToString("tensor([1, 2], dtype=torch.int32)");
        assertThat(Tensor.arange(0.0, 24.0, 1.0).reshape(2, 3, 4).div(7)).hasToString(
                "tensor([[[0.0000, 0.1429, 0.2857, 0.4286],\n"
                        + "         [0.5714, 0.7143, 0.8571, 1.0000],\n"
                        + "         [1.1429, 1.2857, 1.4286, 1.5714]],\n\n"
                        + "        [[1.7143, 1.8571, 2.0000, 2.1429],\n"
                        + "         [2.2857, 2.4286, 2.5714, 2.7143],\n"
                        + "         [2.8571, 3.0000, 3.1429, 3.2857]]])");
        String big = Tensor.arange(0.0, 3000.0, 1.0).reshape(30, 100).toString();
        assertThat(big).startsWith("tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.7000e+01, 9.8000e+01,\n"
                + "         9.9000e+01],\n        [1.0000e+02,");
        assertThat(big).contains("        ...,\n        [2.7000e+03,");
        assertThat(Tensor.ones(2).requiresGrad(true)).hasToString("tensor([1., 1.], requires_grad=True)");
        assertThat(Tensor.ones(2).requiresGrad(true).mul(Tensor.full(2, 2))).hasToString("tensor([2., 2.], grad_fn=<MulBackward0>)");
    }

    @Test void devicesParseAndReportAvailability() {
        assertThat(Device.parse("cpu")).isEqualTo(Device.cpu());
        assertThat(Device.parse("cuda:1")).isEqualTo(Device.cuda(1));
        assertThat(Device.parse("mps")).hasToString("mps");
        assertThat(Device.cpu().isAvailable()).isTrue();
        assertThatThrownBy(() -> Device.parse("tpu")).hasMessageContaining("unknown device 'tpu'");
        // this machine has no accelerator: auto falls back to the CPU, and asking for CUDA explains why not
        if (!Device.cudaAvailable() && !Device.mpsAvailable()) {
            assertThat(Device.auto()).isEqualTo(Device.cpu());
            assertThatThrownBy(() -> Device.cuda(0).requireAvailable()).hasMessageContaining("not available");
        }
        assertThat(Tensor.ones(2).to(Device.cpu()).device()).isEqualTo(Device.cpu());
    }
}
