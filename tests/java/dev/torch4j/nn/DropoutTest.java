package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** F.dropout's mask (the shim's counter-based draw) against the Bernoulli distribution it must follow. */
class DropoutTest {
    private static final int N = 1 << 20;

    @Test void masksAreBernoulliScaledByOneOverKeep() {
        for (double p : new double[] {0.1, 0.3, 0.5, 0.9}) {
            Torch.manualSeed(3);
            float[] y = F.dropout(Tensor.ones(N), p, true).toFloatArray();
            float scale = 1.0f / (float) (1 - p);
            long dropped = 0, bothKept = 0, kept = 0, other = 0;
            for (int i = 0; i < N; i++) {
                if (y[i] != 0f && y[i] != scale) other++;
                if (y[i] == 0f) dropped++;
                else kept++;
                if (i > 0 && y[i] != 0f && y[i - 1] != 0f) bothKept++;
            }
            double sigma = Math.sqrt(N * p * (1 - p));
            assertThat(Math.abs(dropped - N * p)).as("p %s: dropped %d of %d", p, dropped, N).isLessThan(5 * sigma);
            // neighbours independent: both kept as often as (1 - p)^2 predicts, within 5 sigma
            double q = (1 - p) * (1 - p), pairs = N - 1;
            assertThat(Math.abs(bothKept - pairs * q)).as("p %s: neighbours both kept %d", p, bothKept).isLessThan(5 * Math.sqrt(pairs * q * (1 - q)) + 1);
            // no drift along the tensor: each eighth keeps its share
            for (int part = 0; part < 8; part++) {
                long k = 0;
                for (int i = part * (N / 8); i < (part + 1) * (N / 8); i++) if (y[i] != 0f) k++;
                double m = N / 8.0;
                assertThat(Math.abs(k - m * (1 - p))).as("p %s: eighth %d kept %d", p, part, k).isLessThan(5 * Math.sqrt(m * p * (1 - p)));
            }
            assertThat(other).as("p %s: elements neither 0 nor 1/(1-p)", p).isZero();
        }
    }

    @Test void theMaskIsTheSameForAnyThreadCount() {
        int before = Torch.threads();
        try {
            Torch.setThreads(1);
            Torch.manualSeed(11);
            float[] one = F.dropout(Tensor.ones(N), 0.4, true).toFloatArray();
            Torch.setThreads(2);
            Torch.manualSeed(11);
            float[] two = F.dropout(Tensor.ones(N), 0.4, true).toFloatArray();
            // Arrays.equals: AssertJ's containsExactly takes minutes on a million elements
            assertThat(java.util.Arrays.equals(one, two)).as("the same mask on one thread and on two").isTrue();
        } finally {
            Torch.setThreads(before);
        }
    }

    @Test void theGradientIsTheMask() {
        Torch.manualSeed(5);
        Tensor x = Tensor.randn(32, 48, 8, 8).requiresGrad(true);
        Tensor y = F.dropout(x, 0.5, true);
        y.sum().backward();
        float[] g = x.grad().toFloatArray(), xs = x.detach().toFloatArray(), ys = y.detach().toFloatArray();
        int wrong = 0, twos = 0;
        for (int i = 0; i < g.length; i++) {
            if (g[i] != (ys[i] == 0f && xs[i] != 0f ? 0f : 2f) || ys[i] != g[i] * xs[i]) wrong++;
            if (g[i] == 2f) twos++;
        }
        assertThat(wrong).as("elements whose gradient is not their mask").isZero();
        assertThat(twos).as("kept elements").isBetween(g.length / 2 - 1000, g.length / 2 + 1000);
    }

    @Test void libtorchsFormDrawsWhatTorchDropoutDraws() {
        Tensor x = Tensor.randn(64, 33);
        Torch.manualSeed(77);
        float[] reference = Tensor.wrap(torch.dropout(x.handle(), 0.3, true)).toFloatArray();
        Torch.manualSeed(77);
        assertThat(F.libtorchDropout(x, 0.3).toFloatArray()).containsExactly(reference);
    }

    @Test void aProbabilityOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> F.dropout(Tensor.ones(4), 1.5, true)).hasMessageContaining("[0, 1]").hasMessageContaining("1.5");
    }
}
