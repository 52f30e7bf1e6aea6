package dev.torch4j.nn;

import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.recipes.SeedModels;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Native memory stays flat over many forward and backward passes run in scopes. */
class MemoryTest {
    @Test void scopedTrainingStepsDoNotGrowNativeMemory() {
        Layer model = SeedModels.s2Flat();
        Tensor x;
        Tensor y;
        try (Scope s = Scope.open()) {
            x = s.keep(Tensor.randn(64, 1, 28, 28));
            y = s.keep(Tensor.randint(10, 64));
        }
        for (int i = 0; i < 30; i++) step(model, x, y);
        long handles = Pointer.totalCount();
        long rss = Pointer.physicalBytes();
        for (int i = 0; i < 300; i++) step(model, x, y);
        // every native object created by a step was released with its scope: the count never grows (it may
        // fall when the GC collects unscoped garbage of earlier tests; a leak would add ~10 objects a step)
        assertThat(Pointer.totalCount()).isLessThanOrEqualTo(handles);
        // and the process did not grow (an unreleased activation set alone is ~1 MB per step here)
        assertThat(Pointer.physicalBytes() - rss).isLessThan(64L << 20);
    }

    private static void step(Layer model, Tensor x, Tensor y) {
        try (Scope s = Scope.open()) {
            Tensor loss = F.crossEntropy(model.call(x), y);
            for (Tensor p : model.parameters()) p.clearGrad();
            loss.backward();
        }
    }
}
