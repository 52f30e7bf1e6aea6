package dev.torch4j.data;

import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pipelines at the edges the shim's fuzzer reached (docs/fuzzing.md), through the Java API. */
class PipelineEdgeTest {
    @Test void aRatioFarFromTheImagesKeepsAOnePixelCropInsteadOfReadingNothing() {
        // the fallback crop of a 16 x 48 image for a ratio of 0.00046 rounded its width to 0; the shim then read a null row
        Pipeline p = Transforms.compose(Transforms.resize(16, 48),
                Transforms.randomResizedCrop(5, 30).scale(10, 20).ratio(Math.exp(-7.6875), Math.exp(-7.6875)), Transforms.toTensor());
        Tensor image = Tensor.rand(3, 29, 1);
        Tensor out = p.apply(image.unsqueeze(0), 1);
        assertThat(out.shape()).containsExactly(1, 3, 5, 30);
        assertThat(out.nonFiniteCount()).isZero();
    }

    @Test void sizesTheShimCannotHoldAreRefusedWithAMessage() {
        assertThatThrownBy(() -> Transforms.compose(Transforms.resize(100_000, 100_000), Transforms.toTensor()).outputShape(3, 10, 10, true))
                .hasMessageContaining("Resize sizes must be whole numbers in [1, 65536]");
    }
}
