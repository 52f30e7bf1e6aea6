package dev.torch4j.examples;

import dev.torch4j.cli.ImageRecipesTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every example program runs to the end, shortened by its own arguments, in a JVM of its own and a
 * scratch working directory (they write their curves there), and prints what its javadoc promises.
 */
class ExamplesTest {
    @TempDir Path dir;

    private String run(Class<?> example, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), example.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(example.getSimpleName() + " finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test void dataParallelLeNetUnderTheLauncher() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString(), cp = System.getProperty("java.class.path");
        Process p = new ProcessBuilder(java, "-cp", cp, "dev.torch4j.cli.Main", "launch", "--nproc-per-node", "2", "--",
                java, "-cp", cp, DataParallelLeNet.class.getName(), "1").directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("[rank 0] epoch 1/1").contains("[rank 0] 2 process(es), batch 32 each: test accuracy")
                .doesNotContain("[rank 1] epoch");
    }

    @Test void seed000MnistCnnVsMlp() throws Exception {
        assertThat(run(Seed000MnistCnnVsMlp.class, "1")).contains("Total params: 30,678", "s0-cnn: test loss", "s0-nn: test loss");
    }

    @Test void seed000CatsVsDogs() throws Exception {
        ImageRecipesTest.writeClasses(dir.resolve("photos"), 20, 1, "cat", "dog");
        assertThat(run(Seed000CatsVsDogs.class, dir.resolve("photos").toString(), "2"))
                .contains("classes [cat, dog]: 29 training, 3 validation, 8 test photos", "Total params: 893,886", "test accuracy");
        assertThat(dir.resolve("s0-catdog-curves.png")).exists();
    }

    @Test void seed001CnnPooling() throws Exception {
        assertThat(run(Seed001CnnPooling.class, "20")).contains("s1-a: test accuracy", "s1-b: test accuracy", "s1-c: test accuracy");
    }

    @Test void seed002MnistFlatVsGap() throws Exception {
        assertThat(run(Seed002MnistFlatVsGap.class, "1")).contains("Total params: 93,322", "Total params: 56,394", "s2-gap: test loss");
        assertThat(dir.resolve("s2-flat-curves.png")).exists();
    }

    @Test void seed002CatClassifier() throws Exception {
        ImageRecipesTest.writeClasses(dir.resolve("cd/train"), 8, 2, "cats", "dogs");
        ImageRecipesTest.writeClasses(dir.resolve("cd/validation"), 4, 3, "cats", "dogs");
        assertThat(run(Seed002CatClassifier.class, dir.resolve("cd").toString(), "1"))
                .contains("s2-cat: classes [cats, dogs], 16 training and 8 validation photos", "Total params: 307,393", "s2-cat-aug: best validation loss");
        assertThat(dir.resolve("s2-cat-aug-best.safetensors")).exists();
    }

    @Test void seed003FashionLeNet() throws Exception {
        assertThat(run(Seed003FashionLeNet.class, "1")).contains("Total params: 44,426", "test accuracy", "rotated test set: loss");
        assertThat(dir.resolve("s3-lenet-best.safetensors")).exists();
    }

    @Test void seed004SgdVsAdam() throws Exception {
        assertThat(run(Seed004SgdVsAdam.class, "0.04")).contains("Train Model (SGD Optimizer)", "Train Model (Adam Optimizer)", "weighted avg");
    }

    @Test void firstModel() throws Exception {
        assertThat(run(FirstModel.class)).contains("step ", "weights saved to");
        assertThat(dir.resolve("first-model.safetensors")).exists();
    }

    @Test void seed000ResNet18Transfer() throws Exception {
        ImageRecipesTest.writeClasses(dir.resolve("photos"), 10, 1, "cat", "dog");
        Path weights = dir.resolve("resnet18.safetensors");
        try (dev.torch4j.tensor.Scope s = dev.torch4j.tensor.Scope.open()) {
            dev.torch4j.vision.ResNet.resnet18(1000).stateDict().save(weights);
        }
        assertThat(run(Seed000ResNet18Transfer.class, dir.resolve("photos").toString(), weights.toString(), "1"))
                .contains("Total params: 11,177,538", "Trainable params: 1,026", "ResNet18 transfer: test loss");
    }

    @Test void seed002VggTransfer() throws Exception {
        ImageRecipesTest.writeClasses(dir.resolve("cd/train"), 4, 2, "cats", "dogs");
        ImageRecipesTest.writeClasses(dir.resolve("cd/validation"), 2, 3, "cats", "dogs");
        Path weights = dir.resolve("vgg16-features.safetensors");
        try (dev.torch4j.tensor.Scope s = dev.torch4j.tensor.Scope.open()) {
            dev.torch4j.vision.Vgg.features(dev.torch4j.vision.Vgg.VGG16, false).stateDict().save(weights);
        }
        assertThat(run(Seed002VggTransfer.class, dir.resolve("cd").toString(), weights.toString(), "1"))
                .contains("fast feature extraction: validation loss", "Trainable params: 2,097,665", "Trainable params: 16,552,193",
                        "fine-tuned from layer 10: validation loss");
    }

    @Test void transferFashionMnist() throws Exception {
        assertThat(run(TransferFashionMnist.class, "5", "1")).contains("classes 5-9 from 5 images per class", "(a) from scratch:",
                "(b) frozen backbone + new head:", "(c) last block fine-tuned + new head:");
        assertThat(dir.resolve("fmnist-backbone.safetensors")).exists();
    }

    @Test void seed002Interpretation() throws Exception {
        assertThat(run(Seed002Interpretation.class, "pictures", "1")).contains("test accuracy", "Grad-CAM explains class");
        for (String f : new String[] {"kernels", "gabor", "curves", "feature-map", "feature-maps", "filters", "grad-cam", "samples", "confusion"}) {
            assertThat(javax.imageio.ImageIO.read(dir.resolve("pictures").resolve(f + ".png").toFile())).as(f).isNotNull();
        }
    }
}
