package dev.torch4j.train;

import dev.torch4j.data.FashionMnist;
import dev.torch4j.data.MnistData;
import dev.torch4j.data.Normalization;
import dev.torch4j.data.Subset;
import dev.torch4j.nn.Dropout;
import dev.torch4j.nn.Flatten;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.optim.Adam;
import dev.torch4j.tensor.Generator;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's thread-safety contract for training: two Trainers (each with its own model and optimizer) in two
 * threads train exactly as each would alone. Shuffling and Dropout draw from each trainer's own generator, so
 * nothing random is shared.
 */
class ThreadSafetyTest {
    private static final MnistData DATA = FashionMnist.sample();

    private static Map<String, int[]> train(long seed) {
        Layer model = Generator.seeded(seed).call(() -> Sequential.of(Flatten.of(), Linear.of(784, 64), ReLU.of(), Dropout.of(0.3),
                Linear.of(64, 10)));
        var data = new Subset(DATA.train(Normalization.MNIST), java.util.stream.LongStream.range(0, 1500).toArray());
        Trainer.of(model).optimizer(Adam.of(1e-3).on(model)).epochs(2).batchSize(50).seed(seed).quiet(true).fit(data, null);
        Map<String, int[]> bits = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> {
            float[] f = v.contiguous().toFloatArray();
            int[] b = new int[f.length];
            for (int i = 0; i < f.length; i++) b[i] = Float.floatToRawIntBits(f[i]);
            bits.put(k, b);
        });
        return bits;
    }

    @Test void twoTrainersInTwoThreadsEqualEachAlone() throws Exception {
        Map<String, int[]> aloneA = train(11), aloneB = train(12);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Map<String, int[]>> a = pool.submit((Callable<Map<String, int[]>>) () -> train(11));
            Future<Map<String, int[]>> b = pool.submit((Callable<Map<String, int[]>>) () -> train(12));
            Map<String, int[]> togetherA = a.get(120, TimeUnit.SECONDS), togetherB = b.get(120, TimeUnit.SECONDS);
            for (String k : aloneA.keySet()) {
                assertThat(togetherA.get(k)).as("A %s", k).containsExactly(aloneA.get(k));
                assertThat(togetherB.get(k)).as("B %s", k).containsExactly(aloneB.get(k));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(aloneA.get("1.weight")).isNotEqualTo(aloneB.get("1.weight")); // the seeds matter: the check can fail
    }
}
