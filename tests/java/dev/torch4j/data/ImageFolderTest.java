package dev.torch4j.data;

import dev.torch4j.nn.Fixtures;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageFolderTest {
    @TempDir Path dir;
    private Scope scope;
    private final Pipeline small = Transforms.compose(Transforms.resize(16, 16), Transforms.toTensor());

    @BeforeEach void open() {
        scope = Scope.open();
    }

    @AfterEach void close() {
        scope.close();
    }

    private static Path fixture(String name) {
        return Fixtures.path("images/" + name);
    }

    /** cats: JPEGs (RGB, grey, CMYK, progressive); dogs: PNGs (grey, grey+alpha, RGBA, palette, 1-bit, 16-bit, interlaced). */
    private Path folder() throws IOException {
        Path root = dir.resolve("train");
        for (String f : List.of("rgb.jpg", "gray.jpg", "cmyk.jpg", "progressive.jpg")) copy(f, root.resolve("cats"));
        for (String f : List.of("gray.png", "gray-alpha.png", "rgba.png", "palette.png", "bilevel.png", "rgb16.png", "interlaced.png")) {
            copy(f, root.resolve("dogs"));
        }
        Files.createDirectories(root.resolve(".ipynb_checkpoints"));
        Files.writeString(root.resolve("dogs").resolve("notes.txt"), "not an image");
        return root;
    }

    private static void copy(String fixture, Path to) throws IOException {
        Files.createDirectories(to);
        Files.copy(fixture(fixture), to.resolve(fixture));
    }

    @Test void classesAreSortedSubdirectoriesAndEveryColourTypeBecomesRgb() throws IOException {
        ImageFolder data = ImageFolder.open(folder(), small);
        assertThat(data.classes()).containsExactly("cats", "dogs");
        assertThat(data.size()).isEqualTo(11);
        assertThat(data.labels()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1);
        assertThat(data.files().get(0).getFileName().toString()).isEqualTo("cmyk.jpg"); // sorted within a class
        Batch b = data.get(new long[] {0, 5, 10});
        assertThat(b.inputs().shape()).containsExactly(3, 3, 16, 16);
        assertThat(b.targets().toLongArray()).containsExactly(0, 1, 1);
        assertThat(b.inputs().min().item()).isGreaterThanOrEqualTo(0.0);
        assertThat(b.inputs().max().item()).isLessThanOrEqualTo(1.0);
    }

    @Test void unreadableFilesAreNamedOrSkipped() throws IOException {
        Path root = folder();
        byte[] jpeg = Files.readAllBytes(fixture("rgb.jpg"));
        Path truncated = root.resolve("cats").resolve("truncated.jpg");
        Files.write(truncated, Arrays.copyOf(jpeg, jpeg.length / 2));
        Path fake = root.resolve("dogs").resolve("fake.png");
        Files.writeString(fake, "this is text, not a PNG");
        ImageFolder data = ImageFolder.open(root, small);
        long t = data.files().indexOf(truncated), f = data.files().indexOf(fake);

        assertThatThrownBy(() -> data.get(new long[] {0, t}))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining(truncated.toString())
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> data.get(f)).hasMessageContaining(fake.toString()).hasMessageContaining("not a JPEG or PNG file");
        assertThatThrownBy(() -> data.get(new long[] {t, f, 1})).hasMessageContaining("2 images of a batch").hasMessageContaining("skipUnreadable");

        Batch b = data.skipUnreadable(true).get(new long[] {0, t, 1, f});
        assertThat(b.inputs().shape()).containsExactly(2, 3, 16, 16);
        assertThat(b.targets().toLongArray()).containsExactly(0, 0);
        // the survivors are the images themselves, not zero rows
        assertThat(b.inputs().select(0, 0).sum().item()).isEqualTo(data.get(0).inputs().sum().item());
    }

    @Test void corruptedFilesNeverCrashTheJvm() throws IOException {
        Path root = dir.resolve("fuzz");
        Random r = new Random(7);
        for (String name : List.of("rgb.jpg", "progressive.jpg", "cmyk.jpg", "rgba.png", "interlaced.png", "palette.png")) {
            byte[] original = Files.readAllBytes(fixture(name));
            for (int k = 0; k < 40; k++) {
                byte[] b = original.clone();
                int flips = 1 + r.nextInt(20);
                for (int j = 0; j < flips; j++) b[8 + r.nextInt(b.length - 8)] = (byte) r.nextInt(256);
                if (k % 4 == 0) b = Arrays.copyOf(b, r.nextInt(b.length));
                Path p = root.resolve(k % 2 == 0 ? "a" : "b").resolve(k + "-" + name);
                Files.createDirectories(p.getParent());
                Files.write(p, b);
            }
        }
        ImageFolder data = ImageFolder.open(root, small).skipUnreadable(true);
        long[] all = new long[(int) data.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        Batch b = data.get(all);
        assertThat(b.size()).as("photos that survived their damage").isPositive();
        assertThat(b.inputs().allFinite()).isTrue();
        // Each failure is reported alone and readably: one reason, printable text, nothing from other slots.
        ImageFolder strict = ImageFolder.open(root, small);
        int failures = 0;
        for (long i = 0; i < strict.size(); i++) {
            try {
                strict.get(new long[] {i});
            } catch (ImageException e) {
                failures++;
                assertThat(e.getMessage()).matches("[\\x20-\\x7e]+").contains(strict.files().get((int) i).toString());
                assertThat(e.getMessage().split("corrupt ", -1)).hasSizeLessThanOrEqualTo(2);
            }
        }
        assertThat(failures).isEqualTo(all.length - (int) b.size()).isPositive();
    }

    @Test void differentSizesWithoutAFixedSizeStepAreExplained() throws IOException {
        Path root = dir.resolve("sizes");
        writeJpeg(root.resolve("a").resolve("big.jpg"), 40, 30, 1);
        writeJpeg(root.resolve("a").resolve("small.jpg"), 20, 10, 2);
        ImageFolder data = ImageFolder.open(root, Transforms.compose(Transforms.toTensor()));
        assertThatThrownBy(() -> data.get(new long[] {0, 1}))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("small.jpg")
                .hasMessageContaining("add a Resize");
        assertThat(data.get(1).inputs().shape()).containsExactly(1, 3, 10, 20);
    }

    @Test void missingOrEmptyFoldersSayWhatIsExpected() throws IOException {
        assertThatThrownBy(() -> ImageFolder.open(dir.resolve("nope"), small)).hasMessageContaining("nope").hasMessageContaining("does not exist");
        Files.createDirectories(dir.resolve("flat"));
        Files.copy(fixture("rgb.jpg"), dir.resolve("flat").resolve("x.jpg"));
        assertThatThrownBy(() -> ImageFolder.open(dir.resolve("flat"), small)).hasMessageContaining("no class sub-directories");
        Files.createDirectories(dir.resolve("flat").resolve("cats"));
        Files.createDirectories(dir.resolve("flat").resolve("dogs"));
        Files.copy(fixture("rgb.jpg"), dir.resolve("flat").resolve("dogs").resolve("x.jpg"));
        assertThatThrownBy(() -> ImageFolder.open(dir.resolve("flat"), small)).hasMessageContaining("no JPEG or PNG files for class cats");
    }

    @Test void randomStepsDependOnSeedEpochAndIndexOnlyNotOnThreads() throws IOException {
        Path root = dir.resolve("photos");
        for (int i = 0; i < 12; i++) writeJpeg(root.resolve(i % 2 == 0 ? "cat" : "dog").resolve(i + ".jpg"), 120, 90, i);
        Pipeline aug = Transforms.compose(Transforms.resize(40, 40), Transforms.randomRotation(40),
                Transforms.randomResizedCrop(32, 32).scale(0.8, 1.2), Transforms.randomHorizontalFlip(),
                Transforms.randomAffine(0).shear(20), Transforms.colorJitter(0.2, 0.2, 0.2, 0.1), Transforms.toTensor(),
                Transforms.normalize(new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5}));
        long[] idx = {3, 0, 11, 7, 5, 2, 9, 1};
        ImageFolder one = ImageFolder.open(root, aug).seed(42).threads(1), many = one.threads(4);
        Tensor a = one.get(idx).inputs(), b = many.get(idx).inputs();
        assertThat(a.shape()).containsExactly(8, 3, 32, 32);
        assertThat(a.equal(b)).isTrue();
        // a sample is the same whatever batch it is in
        assertThat(one.get(new long[] {11}).inputs().select(0, 0).equal(a.select(0, 2))).isTrue();
        many.setEpoch(1);
        assertThat(many.get(idx).inputs().equal(a)).isFalse();
        many.setEpoch(0);
        assertThat(many.get(idx).inputs().equal(a)).isTrue();
        assertThat(one.seed(43).get(idx).inputs().equal(a)).isFalse();
        assertThat(a.min().item()).isGreaterThanOrEqualTo(-1.0);
        assertThat(a.max().item()).isLessThanOrEqualTo(1.0);
    }

    @Test void dctScaledDecodingStaysCloseToFullDecoding() throws IOException {
        Path root = dir.resolve("large");
        // photo-like: mild noise, 24-pixel checks (pixel-level noise is where the two differ most)
        writeJpeg(root.resolve("c").resolve("photo.jpg"), 500, 375, 3, 6, 24);
        Pipeline p = Transforms.compose(Transforms.resize(150, 150), Transforms.toTensor());
        ImageFolder fast = ImageFolder.open(root, p), exact = fast.exactDecoding(true);
        Tensor f = fast.get(0).inputs(), e = exact.get(0).inputs();
        double meanLevels = f.sub(e).abs().mean().item() * 255;
        System.out.printf("DCT-scaled vs full decoding before Resize(150, 150): mean |difference| %.2f levels of 255, signed %.3f, per channel %.2f %.2f %.2f%n",
                meanLevels, f.sub(e).mean().item() * 255, f.sub(e).abs().select(1, 0).mean().item() * 255, f.sub(e).abs().select(1, 1).mean().item() * 255, f.sub(e).abs().select(1, 2).mean().item() * 255);
        assertThat(meanLevels).as("mean difference in 8-bit levels (chroma edges differ most)").isLessThan(3.0);
        assertThat(Math.abs(f.sub(e).mean().item() * 255)).as("no shift or bias").isLessThan(0.5);
        assertThat(f.equal(e)).as("the fast path really ran").isFalse();
        // shorter-side resize: the size follows the file's header, not the scaled decode
        Pipeline shorter = Transforms.compose(Transforms.resize(100), Transforms.toTensor());
        assertThat(ImageFolder.open(root, shorter).get(0).inputs().shape()).containsExactly(1, 3, 100, 133);
        assertThat(ImageFolder.open(root, shorter).exactDecoding(true).get(0).inputs().shape()).containsExactly(1, 3, 100, 133);
    }

    @Test void loaderIteratesAnImageFolderWithPrefetchAndNewAugmentationsEachEpoch() throws IOException {
        Path root = dir.resolve("loader");
        for (int i = 0; i < 10; i++) writeJpeg(root.resolve(i < 5 ? "a" : "b").resolve(i + ".jpg"), 64, 48, i);
        Pipeline aug = Transforms.compose(Transforms.resize(24, 24), Transforms.randomRotation(30), Transforms.toTensor());
        ImageFolder data = ImageFolder.open(root, aug).seed(1);
        DataLoader loader = DataLoader.shuffled(data, 4, 9);
        double[] sums = new double[3];
        for (int epoch : new int[] {0, 1, 0}) {
            double s = 0;
            long seen = 0;
            for (Batch b : loader.epoch(epoch)) {
                try (Scope step = Scope.open()) {
                    s += b.inputs().sum().item() * (1 + seen);
                    seen += b.size();
                }
            }
            assertThat(seen).isEqualTo(10);
            sums[epoch == 1 ? 1 : (sums[0] == 0 ? 0 : 2)] = s;
        }
        assertThat(sums[2]).isEqualTo(sums[0]);
        assertThat(sums[1]).isNotEqualTo(sums[0]);
        double unprefetched = 0;
        long seen = 0;
        for (Batch b : loader.prefetch(0).epoch(0)) {
            unprefetched += b.inputs().sum().item() * (1 + seen);
            seen += b.size();
        }
        assertThat(unprefetched).isEqualTo(sums[0]);
    }

    /** A photo-like JPEG (gradients and noise) written by the JDK's encoder: an independent producer. */
    static void writeJpeg(Path file, int w, int h, int seed) throws IOException {
        writeJpeg(file, w, h, seed, 20, 8);
    }

    static void writeJpeg(Path file, int w, int h, int seed, int noise, int cell) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int red = (x * 255 / w + r.nextInt(noise)) & 255, green = (y * 255 / h + seed * 40) & 255;
                int blue = ((x / cell + y / cell) % 2 == 0 ? 200 : 50) + r.nextInt(Math.max(1, noise / 2));
                img.setRGB(x, y, (red << 16) | (green << 8) | blue);
            }
        }
        ImageIO.write(img, "jpg", file.toFile());
    }
}
