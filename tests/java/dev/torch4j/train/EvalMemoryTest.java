package dev.torch4j.train;

import dev.torch4j.data.TensorDataset;
import dev.torch4j.nn.Flatten;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Prediction over many batches holds each batch's outputs only, not its activations until the end. */
class EvalMemoryTest {
    @Test void predictKeepsOutputsNotActivations() {
        Layer m = Sequential.of(Flatten.of(), Linear.of(64, 256), ReLU.of(), Linear.of(256, 256), ReLU.of(), Linear.of(256, 4));
        List<Long> live = new ArrayList<>();
        m.registerForwardHook((layer, in, out) -> {
            live.add(Pointer.totalCount());
            return null;
        });
        try (Scope s = Scope.open()) {
            TensorDataset data = new TensorDataset(Tensor.randn(3000, 1, 8, 8), Tensor.zeros(3000));
            Tensor out = Trainer.of(m).batchSize(100).device(Device.cpu()).quiet(true).predict(data);
            assertThat(out.shape()).containsExactly(3000, 4);
        }
        assertThat(live).hasSize(30);
        // each batch may leave its output (and the loader's batch); its ~10 activations and views must be gone
        long growth = live.get(29) - live.get(1);
        assertThat(growth).as("native objects added over 28 batches").isLessThanOrEqualTo(28 * 3);
    }
}
