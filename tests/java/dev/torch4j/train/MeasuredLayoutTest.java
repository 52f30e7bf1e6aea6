package dev.torch4j.train;

import dev.torch4j.data.Batch;
import dev.torch4j.data.TensorDataset;
import dev.torch4j.nn.*;
import dev.torch4j.optim.Sgd;
import dev.torch4j.tensor.Generator;
import dev.torch4j.tensor.MemoryFormat;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Trainer.measureMemoryFormat: the faster layout on the first batch, chosen without leaving a trace on the run. */
class MeasuredLayoutTest {
    @TempDir Path dir;

    /** Batch norm (statistics the probe's forward passes would move) and dropout (random draws the probe would consume). */
    private static Layer model() {
        Torch.manualSeed(5);
        return Sequential.of(Conv2d.of(3, 8, 3), BatchNorm2d.of(8), ReLU.of(), MaxPool2d.of(2), Dropout.of(0.3), Conv2d.of(8, 4, 3),
                Flatten.of(), Linear.of(4 * 4 * 4, 3));
    }

    private static TensorDataset data() {
        Torch.manualSeed(9);
        return new TensorDataset(Tensor.randn(24, 3, 14, 14), Tensor.randint(3, 24));
    }

    private static Trainer trainer(Layer m) {
        return Trainer.of(m).optimizer(Sgd.of(0.05)).epochs(2).batchSize(8).seed(1).quiet(true);
    }

    @Test void aMeasuredRunEqualsARunToldTheLayoutItChose() {
        TensorDataset data = data();
        Layer measured = model();
        Trainer t = trainer(measured).measureMemoryFormat(true);
        History a = t.fit(data, data);
        LayoutChoice c = t.layoutChoice().orElseThrow();
        assertThat(c.contiguousMs()).isPositive();
        assertThat(c.channelsLastMs()).isPositive();
        assertThat(measured.memoryFormat()).isEqualTo(c.format());

        Layer told = model();
        History b = trainer(told).memoryFormat(c.format()).fit(data, data);
        // bit for bit: the probe's steps moved no batch-norm statistic, drew nothing from the run's random streams
        for (int i = 0; i < 2; i++) {
            Map<String, Double> ma = new java.util.LinkedHashMap<>(a.epochs().get(i).metrics()), mb = new java.util.LinkedHashMap<>(b.epochs().get(i).metrics());
            ma.remove("seconds");
            mb.remove("seconds");
            assertThat(ma).isEqualTo(mb);
        }
        for (Map.Entry<String, Tensor> e : told.stateDict().entrySet()) {
            assertThat(measured.stateDict().get(e.getKey()).toFloatArray()).as(e.getKey()).containsExactly(e.getValue().toFloatArray());
        }
    }

    @Test void theProbeLeavesModelBuffersGradientsAndRandomStreamsAsTheyWere() {
        Layer m = model();
        TensorDataset data = data();
        Batch b = dev.torch4j.data.DataLoader.sequential(data, 8).iterator().next();
        Map<String, float[]> before = new java.util.LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> before.put(k, v.toFloatArray()));
        Generator g = Generator.seeded(3);
        long drawBefore;
        try (Generator.Use u = g.use()) {
            LayoutChoice c = LayoutProbe.measure(m.train(), TrainStep.standard(Loss.crossEntropy()), b);
            assertThat(c).isEqualTo(LayoutChoice.of(c.contiguousMs(), c.channelsLastMs())); // the choice follows the rule
            drawBefore = Tensor.randint(1_000_000, 1).toLongArray()[0];
        }
        try (Generator.Use u = Generator.seeded(3).use()) {
            assertThat(Tensor.randint(1_000_000, 1).toLongArray()[0]).isEqualTo(drawBefore); // the stream in use was not advanced
        }
        assertThat(m.memoryFormat()).isEqualTo(MemoryFormat.CONTIGUOUS);
        m.stateDict().forEach((k, v) -> assertThat(v.toFloatArray()).as(k).containsExactly(before.get(k)));
        for (Tensor p : m.parameters()) assertThat(p.grad()).isNull();
    }

    @Test void theRuleKeepsContiguousUnlessChannelsLastIsTenPercentFaster() {
        assertThat(LayoutChoice.of(100, 89).format()).isEqualTo(MemoryFormat.CHANNELS_LAST);
        assertThat(LayoutChoice.of(100, 91).format()).isEqualTo(MemoryFormat.CONTIGUOUS);
        assertThat(LayoutChoice.of(100, 130).format()).isEqualTo(MemoryFormat.CONTIGUOUS);
        assertThat(LayoutChoice.of(530.6, 342.1)).hasToString("channels-last (measured on the first batch: 342.1 ms/step, contiguous 530.6 ms)");
        assertThat(LayoutChoice.of(10, 12)).hasToString("contiguous (measured on the first batch: 10.0 ms/step, channels-last 12.0 ms)");
    }

    @Test void aResumedRunKeepsTheLayoutItsSnapshotRecords() {
        TensorDataset data = data();
        Layer first = model();
        Trainer t = trainer(first).epochs(1).measureMemoryFormat(true).snapshots(dir);
        t.fit(data, null);
        MemoryFormat chosen = t.layoutChoice().orElseThrow().format();
        Layer again = model();
        Trainer r = trainer(again).measureMemoryFormat(true).resumeFrom(dir);
        r.fit(data, null);
        assertThat(r.layoutChoice()).isEmpty(); // not measured again
        assertThat(again.memoryFormat()).isEqualTo(chosen);
    }

    @Test void aModelWithoutConvolutionsIsNotMeasuredAndBothSettingsAreRefused() {
        Torch.manualSeed(1);
        Layer mlp = Sequential.of(Flatten.of(), Linear.of(3 * 14 * 14, 3));
        Trainer t = trainer(mlp).measureMemoryFormat(true);
        t.fit(data(), null);
        assertThat(t.layoutChoice()).isEmpty();
        assertThatThrownBy(() -> trainer(model()).memoryFormat(MemoryFormat.CHANNELS_LAST).measureMemoryFormat(true).fit(data(), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("both memoryFormat(channels-last) and measureMemoryFormat(true) are set; choose one");
    }
}
