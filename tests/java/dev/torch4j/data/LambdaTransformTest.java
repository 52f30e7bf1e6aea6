package dev.torch4j.data;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Generator;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Steps written in Java, composed with native ones in one pipeline. */
class LambdaTransformTest {
    private static final Path PHOTO = Path.of("tests/resources/fixtures/images/photo.png");

    private static Tensor images(int n) {
        return Generator.seeded(3).call(() -> Tensor.randint(256, n, 3, 40, 30).to(DType.UINT8));
    }

    private static float[] floats(Tensor t) {
        return t.contiguous().toFloatArray();
    }

    @Test void javaStepSeesFloatsInUnitRangeBetweenNativeStagesAndEqualsTheStepsDoneByHand() {
        Transform.Lambda invert = Transforms.lambda("invert", (img, random) -> Tensor.ones(img.shape()).sub(img));
        Pipeline mixed = Transforms.compose(Transforms.resize(20, 16), invert, Transforms.normalize(new double[] {0.5, 0.5, 0.5},
                new double[] {0.25, 0.25, 0.25}));
        Tensor x = images(5);
        Tensor got = mixed.apply(x, 11);

        Tensor resized = Transforms.compose(Transforms.resize(20, 16), Transforms.toTensor()).apply(x, 11);
        Tensor expected = Tensor.ones(resized.shape()).sub(resized).sub(0.5).div(0.25);
        assertThat(got.shape()).containsExactly(5, 3, 20, 16);
        assertThat(floats(got)).containsExactly(floats(expected), org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(mixed.toString()).isEqualTo("Compose(Resize(size=(20, 16), interpolation=bilinear), Lambda(invert), "
                + "Normalize(mean=[0.5, 0.5, 0.5], std=[0.25, 0.25, 0.25]))");
    }

    @Test void nativeRandomStepsDrawTheSameWithAJavaStepAfterThem() {
        Transform.Lambda identity = Transforms.lambda("identity", (img, random) -> img);
        Pipeline nativeOnly = Transforms.compose(Transforms.randomHorizontalFlip(), Transforms.randomRotation(30), Transforms.toTensor());
        Pipeline withJava = nativeOnly.then(identity);
        Tensor x = images(8);
        assertThat(floats(withJava.apply(x, 5))).containsExactly(floats(nativeOnly.apply(x, 5)));
    }

    @Test void javaRandomnessComesFromTheSampleStreamWhateverTheThreadCount() {
        Transform.Lambda noise = Transforms.lambda("shift", (img, random) -> img.add(random.nextDouble()));
        Pipeline p = Transforms.compose(Transforms.toTensor(), noise, Transforms.randomHorizontalFlip());
        Tensor x = images(12);
        long[] seeds = new long[12];
        for (int i = 0; i < seeds.length; i++) seeds[i] = Pipeline.sampleSeed(9, 2, i);
        Tensor one = p.apply(x, seeds, 1), two = p.apply(x, seeds, 2), again = p.apply(x, seeds, 0);
        assertThat(floats(two)).containsExactly(floats(one));
        assertThat(floats(again)).containsExactly(floats(one));
        // each sample shifted by its own draw: differences to the plain image are constant per sample, not across samples
        Tensor plain = Transforms.compose(Transforms.toTensor()).apply(x, seeds, 1);
        double[] shift = new double[12];
        for (int i = 0; i < 12; i++) {
            Tensor a = one.select(0, i), b = plain.select(0, i);
            // a flip may have happened after the shift: compare the sums, which a flip keeps
            shift[i] = (a.sum().item() - b.sum().item()) / a.numel();
            assertThat(shift[i]).isBetween(0.0, 1.0);
        }
        assertThat(Arrays.stream(shift).distinct().count()).isEqualTo(12);
    }

    @Test void filesGoThroughJavaStepsAndUnreadableOnesAreReportedNotThrown(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Transform.Lambda half = Transforms.lambda("top-half", (img, random) -> img.narrow(1, 0, img.size(1) / 2));
        Pipeline p = Transforms.compose(Transforms.resize(32, 32), half);
        Tensor got = p.load(PHOTO, 0);
        Tensor full = Transforms.compose(Transforms.resize(32, 32), Transforms.toTensor()).load(PHOTO, 0);
        assertThat(got.shape()).containsExactly(3, 16, 32);
        assertThat(floats(got)).containsExactly(floats(full.narrow(1, 0, 16)));

        Path broken = dir.resolve("broken.png");
        java.nio.file.Files.write(broken, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Pipeline.FileBatch batch = p.load(java.util.List.of(broken, PHOTO, PHOTO), new long[] {1, 2, 3}, 2, false);
        assertThat(batch.failures()).extracting(Pipeline.Failure::index).containsExactly(0);
        assertThat(batch.failures().get(0).path()).isEqualTo(broken);
        assertThat(batch.images().shape()).containsExactly(3, 3, 16, 32);
        assertThat(batch.images().select(0, 0).abs().sum().item()).isZero();
        assertThat(floats(batch.images().select(0, 2))).containsExactly(floats(got));
    }

    @Test void outputShapeRunsTheJavaStepOnABlankImage() {
        Pipeline p = Transforms.compose(Transforms.resize(10, 12),
                Transforms.lambda("left-half", (img, random) -> img.narrow(2, 0, img.size(2) / 2)), Transforms.centerCrop(4));
        assertThat(p.outputShape(3, 50, 70, true)).containsExactly(3, 4, 4);
        assertThat(p.outputShape(1, 50, 70, false)).containsExactly(1, 4, 4);
    }

    @Test void aFailingOrMisshapenJavaStepIsNamedWithTheImageAndShape() {
        Tensor x = images(3);
        Pipeline flat = Transforms.compose(Transforms.resize(8, 8), Transforms.lambda("flatten", (img, random) -> img.flatten(0)));
        assertThatThrownBy(() -> flat.apply(x, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Lambda(flatten) must return an image [C, H, W], returned 192 for image 0");

        Pipeline throwing = Transforms.compose(Transforms.toTensor(), Transforms.lambda("boom", (img, random) -> {
            throw new IllegalStateException("no good");
        }));
        assertThatThrownBy(() -> throwing.apply(x, 0)).hasMessage("Lambda(boom) failed on image 0 of shape 3x40x30: no good")
                .hasCauseInstanceOf(IllegalStateException.class);

        Pipeline ragged = Transforms.compose(Transforms.toTensor(),
                Transforms.lambda("random-crop", (img, random) -> img.narrow(1, 0, 10 + random.nextInt(20))));
        assertThatThrownBy(() -> ragged.apply(x, 0)).hasMessageContaining("but the batch is 3x")
                .hasMessageContaining("(add a Resize to a fixed size, or a crop)");

        assertThatThrownBy(() -> Transforms.lambda("", (img, random) -> img)).hasMessage("a Lambda step needs a name");
        assertThatThrownBy(() -> Transforms.compose(Transforms.toTensor(), null)).hasMessage("pipeline step 1 is null");
    }
}
