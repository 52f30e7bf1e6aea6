package dev.torch4j.tensor;

import dev.torch4j.nn.F;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class GeneratorTest {
    @Test void aSeededGeneratorDrawsWhatTheSeededGlobalOneDraws() {
        Torch.manualSeed(123);
        float[] global = Tensor.rand(1000).toFloatArray();
        float[] own = Generator.seeded(123).call(() -> Tensor.rand(1000)).toFloatArray();
        assertThat(own).containsExactly(global);
        // and the global stream is untouched by it
        Torch.manualSeed(9);
        float[] a = Tensor.randn(50).toFloatArray();
        Torch.manualSeed(9);
        Generator.seeded(1).call(() -> Tensor.randn(500));
        assertThat(Tensor.randn(50).toFloatArray()).containsExactly(a);
    }

    /** Dropout's masks come from this thread's Generator: the same seed gives the same mask, however it is seeded. */
    @Test void dropoutMasksFollowTheGenerator() {
        Tensor x = Tensor.randn(64, 33);
        Torch.manualSeed(77);
        float[] first = F.dropout(x, 0.3, true).toFloatArray();
        assertThat(F.dropout(x, 0.3, true).toFloatArray()).as("the stream moves on").isNotEqualTo(first);
        Torch.manualSeed(77);
        assertThat(F.dropout(x, 0.3, true).toFloatArray()).containsExactly(first);
        assertThat(Generator.seeded(77).call(() -> F.dropout(x, 0.3, true)).toFloatArray()).containsExactly(first);
        assertThat(F.dropout(x, 0.3, false).toFloatArray()).containsExactly(x.toFloatArray());
    }

    @Test void stateRoundTripReplaysTheSameDraws() {
        Generator g = Generator.seeded(5);
        g.call(() -> Tensor.rand(10));
        Map<String, Tensor> saved = g.state();
        float[] next = g.call(() -> Tensor.rand(20)).toFloatArray();
        Generator h = Generator.seeded(999);
        h.setState(saved);
        assertThat(h.call(() -> Tensor.rand(20)).toFloatArray()).containsExactly(next);
        assertThat(saved).containsOnlyKeys("cpu");
    }

    @Test void twoThreadsDrawingAtOnceEachGetTheirOwnStream() throws Exception {
        Callable<float[]> job = () -> Generator.seeded(31).call(() -> {
            float[] out = new float[0];
            for (int i = 0; i < 200; i++) out = F.dropout(Tensor.ones(256), 0.5, true).toFloatArray();
            return out;
        });
        float[] alone = job.call();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<float[]> a = pool.submit(job), b = pool.submit(job);
            assertThat(a.get()).containsExactly(alone);
            assertThat(b.get()).containsExactly(alone);
        } finally {
            pool.shutdownNow();
        }
    }
}
