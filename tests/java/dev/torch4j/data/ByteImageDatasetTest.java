package dev.torch4j.data;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Images kept as bytes give, batch by batch, the bits of the images converted as floats first. */
class ByteImageDatasetTest {
    private static final MnistData DATA = FashionMnist.sample();

    private static int[] bits(Tensor t) {
        float[] f = t.contiguous().toFloatArray();
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) out[i] = Float.floatToRawIntBits(f[i]);
        return out;
    }

    @Test void batchesEqualTheFloatImagesNormalisedWhole() {
        Normalization norm = Normalization.fromData(DATA.train().inputs());
        assertThat(Normalization.fromData(DATA.train(null)).mean()).containsExactly(norm.mean());
        assertThat(Normalization.fromData(DATA.train(null)).std()).containsExactly(norm.std());
        Tensor whole = norm.apply(DATA.train().inputs());
        long[] idx = {5, 0, 5999, 17, 3000, 42};
        Batch b = DATA.train(norm).get(idx);
        assertThat(b.inputs().shape()).containsExactly(6, 1, 28, 28);
        assertThat(b.inputs().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(bits(b.inputs())).containsExactly(bits(new TensorDataset(whole, DATA.train().targets()).get(idx).inputs()));
        assertThat(b.targets().toLongArray()).containsExactly(DATA.train().get(idx).targets().toLongArray());
        // without normalisation: v / 255 in [0, 1], as the float data set
        long[] inTest = {5, 0, 999, 17};
        assertThat(bits(DATA.test(null).get(inTest).inputs())).containsExactly(bits(DATA.test().get(inTest).inputs()));
        assertThatThrownBy(() -> DATA.test(null).get(new long[] {3, 1000})).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("index 1000 out of range for a dataset of 1000");
        assertThat(DATA.train(null).pixels().dtype()).isEqualTo(DType.UINT8);
    }

    @Test void refusesWhatItCannotHold() {
        assertThatThrownBy(() -> new ByteImageDataset(Tensor.zeros(3, 28, 28), Tensor.zeros(DType.INT64, 3), null))
                .hasMessageContaining("needs uint8 pixels").hasMessageContaining("[3, 28, 28]");
        assertThatThrownBy(() -> new ByteImageDataset(Tensor.zeros(DType.UINT8, 3, 28, 28), Tensor.zeros(DType.INT64, 2), null))
                .hasMessageContaining("same first dimension");
        assertThatThrownBy(() -> new ByteImageDataset(Tensor.zeros(DType.UINT8, 3, 28, 28), Tensor.zeros(DType.INT64, 3), Normalization.IMAGENET))
                .hasMessageContaining("3 channels cannot apply to images of 1");
    }
}
