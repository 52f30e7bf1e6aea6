package dev.torch4j.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every MNIST-type recipe, briefly, on the embedded Fashion-MNIST sample; and every recipe model's summary. */
class RecipesTest extends CliRun {
    @TempDir Path dir;
    @ParameterizedTest
    @ValueSource(strings = {"s0-cnn", "s0-nn", "s1-a", "s1-b", "s1-c", "s2-flat", "s2-gap", "s3-lenet", "s4-sgd", "s4-adam"})
    void recipeTrainsTwoEpochsOnTheSampleAndLeavesItsFiles(String recipe) throws IOException {
        Path runDir = dir.resolve(recipe);
        assertThat(run("train", "--recipe", recipe, "--epochs", "2", "--device", "cpu", "--threads", "2", "--out", runDir.toString()))
                .as(err).isZero();
        assertThat(out).contains("recipe " + recipe, "epoch 1/2", "epoch 2/2", "test accuracy");
        if (recipe.startsWith("s0") || recipe.startsWith("s1") || recipe.startsWith("s2")) {
            assertThat(out).containsAnyOf("data: MNIST from", "the seed trains on MNIST, which is not installed");
        }
        if (recipe.startsWith("s4")) assertThat(out).contains("precision    recall  f1-score   support");
        for (String f : new String[] {"history.csv", "curves.png", "best.safetensors", "metrics.json"}) assertThat(runDir.resolve(f)).exists();
        List<String> rows = Files.readAllLines(runDir.resolve("history.csv"));
        int k = List.of(rows.get(0).split(",")).indexOf("train_loss");
        double first = Double.parseDouble(rows.get(1).split(",")[k]), second = Double.parseDouble(rows.get(2).split(",")[k]);
        assertThat(second).as("train loss falls").isLessThan(first);
    }

    @org.junit.jupiter.api.Test
    void mnistRecipesTakeInstalledMnistAndOthersDoNot() throws IOException {
        Path home = dir.resolve("home"), mnist = home.resolve(".torch4j/data/mnist");
        Files.createDirectories(mnist);
        java.util.Random r = new java.util.Random(3);
        for (String[] f : new String[][] {{"train", "120"}, {"t10k", "40"}}) {
            int n = Integer.parseInt(f[1]);
            byte[] pixels = new byte[n * 28 * 28], labels = new byte[n];
            r.nextBytes(pixels);
            for (int i = 0; i < n; i++) labels[i] = (byte) (i % 10);
            Files.write(mnist.resolve(f[0] + "-images-idx3-ubyte.gz"), gzip(idx(new int[] {n, 28, 28}, pixels, 3)));
            Files.write(mnist.resolve(f[0] + "-labels-idx1-ubyte.gz"), gzip(idx(new int[] {n}, labels, 1)));
        }
        String userHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            assertThat(run("train", "--recipe", "s0-nn", "--epochs", "1", "--device", "cpu")).as(err).isZero();
            assertThat(out).contains("data: MNIST from " + mnist + " (120 training, 40 test images)").doesNotContain("Fashion");
            assertThat(run("train", "--recipe", "s3-lenet", "--epochs", "1", "--device", "cpu")).as(err).isZero();
            assertThat(out).contains("data: embedded Fashion-MNIST sample");
        } finally {
            System.setProperty("user.home", userHome);
        }
    }

    private static byte[] idx(int[] dims, byte[] data, int rank) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * rank + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) rank);
        for (int d : dims) b.putInt(d);
        return b.put(data).array();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(o)) {
            z.write(raw);
        }
        return o.toByteArray();
    }

    /** Parameter counts from ../shared/reference/seed_models.py (PyTorch 1.13.1), for every recipe's model. */
    @ParameterizedTest
    @CsvSource({
        "s0-cnn, 1,1,28,28, 0", "s0-nn, 1,1,28,28, 0", "s0-catdog, 1,3,128,128, 0", "s1-a, 1,1,28,28, 0", "s1-b, 1,1,28,28, 0",
        "s1-c, 1,1,28,28, 0", "s2-flat, 1,1,28,28, 93322", "s2-gap, 1,1,28,28, 56394", "s2-cat, 1,3,150,150, 307393",
        "s2-cat-aug, 1,3,150,150, 307393", "s3-lenet, 1,1,28,28, 0", "s4-sgd, 1,1,28,28, 0", "s4-adam, 1,1,28,28, 0",
        "s0-resnet18, 1,3,128,128, 0", "s2-vgg-fe, 1,3,150,150, 16812353", "s2-vgg-fe-aug, 1,3,150,150, 16812353",
        "s2-vgg-ft, 1,3,150,150, 16812353"})
    void everyRecipeModelHasASummary(String model, int n, int c, int h, int w, long seedPrinted) {
        assertThat(run("summary", "--model", model, "--input", n + "," + c + "," + h + "," + w)).as(err).isZero();
        long total = Long.parseLong(out.replaceAll("(?s).*Total params: ([0-9,]+).*", "$1").replace(",", ""));
        assertThat(total).isEqualTo(PYTORCH_PARAMS.get(model));
        if (seedPrinted > 0) assertThat(total).isEqualTo(seedPrinted);
        if (PYTORCH_TRAINABLE.containsKey(model)) {
            long trainable = Long.parseLong(out.replaceAll("(?s).*Trainable params: ([0-9,]+).*", "$1").replace(",", ""));
            assertThat(trainable).isEqualTo(PYTORCH_TRAINABLE.get(model));
        }
    }

    /** Trainable counts of the transfer models (seed_models.py; seed 002 prints the VGG ones). */
    static final java.util.Map<String, Long> PYTORCH_TRAINABLE = java.util.Map.of(
            "s0-resnet18", 1026L, "s2-vgg-fe", 2097665L, "s2-vgg-fe-aug", 2097665L, "s2-vgg-ft", 16552193L);

    static final java.util.Map<String, Long> PYTORCH_PARAMS = java.util.Map.ofEntries(
            java.util.Map.entry("s0-cnn", 30678L), java.util.Map.entry("s0-nn", 101770L), java.util.Map.entry("s0-catdog", 893886L),
            java.util.Map.entry("s1-a", 28938L), java.util.Map.entry("s1-b", 28938L), java.util.Map.entry("s1-c", 18378L),
            java.util.Map.entry("s2-flat", 93322L), java.util.Map.entry("s2-gap", 56394L), java.util.Map.entry("s2-cat", 307393L),
            java.util.Map.entry("s2-cat-aug", 307393L), java.util.Map.entry("s3-lenet", 44426L), java.util.Map.entry("s4-sgd", 68834L),
            java.util.Map.entry("s4-adam", 68834L), java.util.Map.entry("s0-resnet18", 11177538L),
            java.util.Map.entry("s2-vgg-fe", 16812353L), java.util.Map.entry("s2-vgg-fe-aug", 16812353L), java.util.Map.entry("s2-vgg-ft", 16812353L));
}
