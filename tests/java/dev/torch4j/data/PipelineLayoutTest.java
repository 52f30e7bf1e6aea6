package dev.torch4j.data;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.MemoryFormat;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A pipeline asked for channels-last batches writes them so: the same values, each pixel's channels together in memory. */
class PipelineLayoutTest {
    @TempDir Path dir;

    private static final Pipeline AUGMENTED = Transforms.compose(Transforms.resize(20, 24), Transforms.randomRotation(15),
            Transforms.colorJitter(0.2, 0.2, 0.2), Transforms.toTensor(), Transforms.normalize(new double[] {0.5, 0.4, 0.3}, new double[] {0.2, 0.25, 0.3}));

    private static void sameValuesOtherLayout(Tensor plain, Tensor last) {
        assertThat(plain.isContiguous()).isTrue();
        assertThat(last.shape()).containsExactly(plain.shape());
        assertThat(last.isContiguous(MemoryFormat.CHANNELS_LAST)).isTrue();
        assertThat(last.isContiguous()).isFalse();
        assertThat(last.toFloatArray()).containsExactly(plain.toFloatArray()); // element by element in [N, C, H, W] order
    }

    @Test void filesDecodeStraightIntoChannelsLastBatches() throws IOException {
        List<Path> files = List.of(dir.resolve("a.jpg"), dir.resolve("b.jpg"), dir.resolve("broken.jpg"), dir.resolve("c.jpg"));
        ImageFolderTest.writeJpeg(files.get(0), 40, 30, 1);
        ImageFolderTest.writeJpeg(files.get(1), 33, 50, 2);
        Files.write(files.get(2), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2});
        ImageFolderTest.writeJpeg(files.get(3), 64, 48, 3);
        long[] seeds = {11, 12, 13, 14};
        Pipeline.FileBatch plain = AUGMENTED.load(files, seeds, 2, false);
        Pipeline.FileBatch last = AUGMENTED.memoryFormat(MemoryFormat.CHANNELS_LAST).load(files, seeds, 2, false);
        sameValuesOtherLayout(plain.images(), last.images());
        assertThat(last.failures()).extracting(Pipeline.Failure::index).containsExactly(2);
        assertThat(last.images().select(0, 2).abs().sum().item()).isZero(); // the broken file's row stays zero
    }

    @Test void imagesInATensorAndJavaStepsToo() {
        Tensor images = Tensor.rand(3, 3, 17, 19);
        long[] seeds = {1, 2, 3};
        sameValuesOtherLayout(AUGMENTED.apply(images, seeds, 1), AUGMENTED.memoryFormat(MemoryFormat.CHANNELS_LAST).apply(images, seeds, 1));
        Pipeline staged = Transforms.compose(Transforms.resize(12, 10), Transforms.toTensor(),
                Transforms.lambda("square", (img, random) -> img.mul(img)), Transforms.normalize(new double[] {0.1, 0.2, 0.3}, new double[] {1, 2, 3}));
        sameValuesOtherLayout(staged.apply(images, seeds, 2), staged.memoryFormat(MemoryFormat.CHANNELS_LAST).apply(images, seeds, 2));
    }

    @Test void theFormatIsKeptWhenStepsAreAddedAndShownInItsName() {
        Pipeline last = Transforms.compose(Transforms.resize(8, 8)).memoryFormat(MemoryFormat.CHANNELS_LAST).then(Transforms.toTensor());
        assertThat(last.memoryFormat()).isEqualTo(MemoryFormat.CHANNELS_LAST);
        assertThat(last.toString()).endsWith(" in channels-last");
        assertThat(Transforms.compose(Transforms.toTensor()).memoryFormat()).isEqualTo(MemoryFormat.CONTIGUOUS);
        assertThatThrownBy(() -> last.memoryFormat(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memoryFormat");
        Tensor z = Tensor.zeros(MemoryFormat.CHANNELS_LAST, DType.FLOAT32, 2, 3, 4, 5);
        assertThat(z.isContiguous(MemoryFormat.CHANNELS_LAST)).isTrue();
        assertThat(z.abs().sum().item()).isZero();
        assertThatThrownBy(() -> Tensor.zeros(MemoryFormat.CHANNELS_LAST, DType.FLOAT32, 3, 4))
                .hasMessage("a channels-last tensor has 4 dimensions, got shape [3, 4]");
    }
}
