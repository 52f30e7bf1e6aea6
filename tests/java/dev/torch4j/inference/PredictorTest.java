package dev.torch4j.inference;

import dev.torch4j.data.FashionMnist;
import dev.torch4j.data.MnistData;
import dev.torch4j.data.Transforms;
import dev.torch4j.nn.Layer;
import dev.torch4j.recipes.LeNet;
import dev.torch4j.tensor.Generator;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A Predictor shared by many threads gives each caller what one thread alone would get. */
class PredictorTest {
    private static final MnistData DATA = FashionMnist.sample();
    private static final int IMAGES = 200, THREADS = 8;

    private static Layer model() {
        return Generator.seeded(7).call(LeNet::new);
    }

    private static Tensor image(int i) {
        return DATA.test().inputs().get(i);
    }

    /** Outputs of one thread asking one image at a time, the reference. */
    private static float[][] alone(Layer m) {
        float[][] out = new float[IMAGES][];
        try (Predictor p = Predictor.of(m)) {
            for (int i = 0; i < IMAGES; i++) {
                try (Scope s = Scope.open()) {
                    out[i] = p.predict(image(i)).toFloatArray();
                }
            }
        }
        return out;
    }

    /** Every image asked by THREADS threads at once, each in its own shuffled order; outputs by image. */
    private static float[][] together(Predictor p) throws Exception {
        float[][] out = new float[IMAGES][];
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    List<Integer> order = new ArrayList<>();
                    for (int i = seed; i < IMAGES; i += THREADS) order.add(i);
                    Collections.shuffle(order, new java.util.Random(seed));
                    start.await();
                    for (int i : order) {
                        try (Scope s = Scope.open()) {
                            out[i] = p.predict(image(i)).toFloatArray();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    @Test void concurrentCallsGiveTheBitsOfOneThread() throws Exception {
        Layer m = model();
        float[][] reference = alone(m);
        try (Predictor p = Predictor.of(m)) {
            float[][] got = together(p);
            for (int i = 0; i < IMAGES; i++) assertThat(got[i]).as("image %d", i).containsExactly(reference[i]);
        }
    }

    @Test void dynamicBatchingGathersConcurrentRequestsAndAnswersEachItsOwn() throws Exception {
        Layer m = model();
        float[][] reference = alone(m);
        List<Long> batchSizes = Collections.synchronizedList(new ArrayList<>());
        m.registerForwardHook((layer, input, output) -> {
            batchSizes.add(input.size(0));
            return null;
        });
        try (Predictor p = Predictor.of(m).batching(THREADS, 20)) {
            float[][] got = together(p);
            for (int i = 0; i < IMAGES; i++) {
                assertThat(got[i]).as("image %d", i).containsExactly(reference[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
        assertThat(batchSizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(IMAGES);
        assertThat(batchSizes.stream().mapToLong(Long::longValue).max().getAsLong()).isGreaterThan(1).isLessThanOrEqualTo(THREADS);
        assertThat(batchSizes.size()).isLessThan(IMAGES); // fewer forwards than requests
    }

    @Test void aBadRequestFailsAloneWithItsOwnMessage() throws Exception {
        try (Predictor p = Predictor.of(model()).batching(4, 200)) {
            List<CompletableFuture<Tensor>> good = new ArrayList<>();
            good.add(p.submit(image(0)));
            CompletableFuture<Tensor> bad = p.submit(Tensor.zeros(3, 28, 28));
            good.add(p.submit(image(1)));
            for (CompletableFuture<Tensor> f : good) assertThat(f.get(30, TimeUnit.SECONDS).shape()).containsExactly(10);
            assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).hasMessageContaining("expected 1 input channels, got 3")
                    .hasMessageContaining("[1, 3, 28, 28]");
        }
    }

    @Test void optionsBeforeUseAndNothingAfterClose() {
        Predictor p = Predictor.of(model());
        try (Scope s = Scope.open()) {
            assertThat(p.predict(image(0)).shape()).containsExactly(10);
        }
        p.batching(2, 1); // no background thread yet: still configurable
        p.submit(image(1)).join().close();
        assertThatThrownBy(() -> p.batching(4, 1)).hasMessage("Predictor batching must be set before the first request");
        p.close();
        assertThatThrownBy(() -> p.predict(image(0))).hasMessage("this Predictor is closed");
        assertThatThrownBy(() -> Predictor.of(model()).batching(0, 1)).hasMessage("Predictor maxBatch must be >= 1, got 0");
        assertThatThrownBy(() -> Predictor.of(model()).predict(Path.of("x.png"))).hasMessageContaining("needs a pipeline(...)");
    }

    @Test void imageFilesGoThroughThePipeline() {
        Layer m = dev.torch4j.nn.Sequential.of(dev.torch4j.nn.Flatten.of(), dev.torch4j.nn.Linear.of(3 * 8 * 8, 4));
        Path photo = Path.of("tests/resources/fixtures/images/photo.png");
        var pipeline = Transforms.compose(Transforms.resize(8, 8), Transforms.toTensor());
        try (Predictor p = Predictor.of(m).pipeline(pipeline); Scope s = Scope.open()) {
            Tensor got = p.predict(photo);
            Tensor expected;
            try (dev.torch4j.tensor.Torch.NoGrad g = dev.torch4j.tensor.Torch.noGrad()) {
                expected = m.call(pipeline.load(photo).unsqueeze(0)).select(0, 0);
            }
            assertThat(got.toFloatArray()).containsExactly(expected.toFloatArray());
        }
    }
}
