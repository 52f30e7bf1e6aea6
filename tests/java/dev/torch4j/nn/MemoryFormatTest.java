package dev.torch4j.nn;

import dev.torch4j.data.TensorDataset;
import dev.torch4j.io.StateDict;
import dev.torch4j.optim.Sgd;
import dev.torch4j.recipes.LeNet;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.MemoryFormat;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import dev.torch4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Channels-last weights: the same numbers as contiguous ones, faster convolutions, files written as PyTorch writes them. */
class MemoryFormatTest {
    @TempDir Path dir;

    private static Layer model() {
        Torch.manualSeed(5);
        return Sequential.of(Conv2d.of(3, 8, 3), BatchNorm2d.of(8), ReLU.of(), MaxPool2d.of(2), Conv2d.of(8, 4, 3), Flatten.of(), Linear.of(4 * 4 * 4, 3));
    }

    private static double maxDiff(Tensor a, Tensor b) {
        return a.to(DType.FLOAT64).sub(b.to(DType.FLOAT64)).abs().max().item();
    }

    @Test void channelsLastWeightsGiveTheSameOutputsAndTraining() {
        Layer plain = model(), last = model().to(MemoryFormat.CHANNELS_LAST);
        assertThat(plain.memoryFormat()).isEqualTo(MemoryFormat.CONTIGUOUS);
        assertThat(last.memoryFormat()).isEqualTo(MemoryFormat.CHANNELS_LAST);
        Tensor w = last.namedParameters().get("0.weight");
        assertThat(w.isContiguous(MemoryFormat.CHANNELS_LAST)).isTrue();
        assertThat(w.isContiguous()).isFalse();
        assertThat(w.shape()).containsExactly(8, 3, 3, 3); // the shape stays NCHW

        Torch.manualSeed(9);
        Tensor x = Tensor.randn(16, 3, 14, 14), y = Tensor.randint(3, 16);
        try (Torch.NoGrad g = Torch.noGrad()) {
            assertThat(maxDiff(last.eval().call(x), plain.eval().call(x))).isLessThan(1e-5);
        }
        TensorDataset data = new TensorDataset(x, y);
        Trainer.of(plain).optimizer(Sgd.of(0.05)).epochs(2).batchSize(4).seed(1).quiet(true).fit(data, null);
        Layer trained = model();
        Trainer.of(trained).optimizer(Sgd.of(0.05)).epochs(2).batchSize(4).seed(1).quiet(true).memoryFormat(MemoryFormat.CHANNELS_LAST).fit(data, null);
        assertThat(trained.memoryFormat()).isEqualTo(MemoryFormat.CHANNELS_LAST);
        for (Map.Entry<String, Tensor> e : plain.stateDict().entrySet()) {
            assertThat(maxDiff(trained.stateDict().get(e.getKey()), e.getValue())).as(e.getKey()).isLessThan(1e-4);
        }
    }

    @Test void filesAreWrittenContiguousAndReadBackIntoEitherLayout() {
        Layer last = model().to(MemoryFormat.CHANNELS_LAST);
        Path file = dir.resolve("m.safetensors");
        last.save(file);
        StateDict read = StateDict.load(file);
        Tensor w = read.get("0.weight");
        assertThat(w.isContiguous()).isTrue();
        // the values element by element, in NCHW order, equal the model's weight read the same way
        assertThat(w.toFloatArray()).containsExactly(last.namedParameters().get("0.weight").toFloatArray());
        Layer plain = model();
        try (Torch.NoGrad g = Torch.noGrad()) {
            plain.namedParameters().get("0.weight").fill_(0);
        }
        plain.load(file);
        assertThat(maxDiff(plain.namedParameters().get("0.weight"), last.namedParameters().get("0.weight"))).isZero();
    }

    @Test void theSeedModelsRunChannelsLast() {
        Torch.manualSeed(2);
        Layer lenet = new LeNet();
        Tensor x = Tensor.randn(2, 1, 28, 28), expected;
        try (Torch.NoGrad g = Torch.noGrad()) {
            expected = lenet.eval().call(x);
            assertThat(maxDiff(lenet.to(MemoryFormat.CHANNELS_LAST).call(x), expected)).isLessThan(1e-5);
        }
    }

    @Test void badFormatsAreNamed() {
        assertThatThrownBy(() -> MemoryFormat.parse("nhwc")).hasMessage("memory format must be contiguous or channels-last, got 'nhwc'");
        assertThat(MemoryFormat.parse("channels_last")).isEqualTo(MemoryFormat.CHANNELS_LAST);
        assertThatThrownBy(() -> Tensor.zeros(3, 4).contiguous(MemoryFormat.CHANNELS_LAST)).hasMessageContaining("needs a 4-d tensor");
    }
}
