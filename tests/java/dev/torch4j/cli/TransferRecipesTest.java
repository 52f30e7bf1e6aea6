package dev.torch4j.cli;

import dev.torch4j.io.StateDict;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.vision.ResNet;
import dev.torch4j.vision.Vgg;
import dev.torch4j.vision.Zoo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transfer recipes on generated photos with stand-in "pretrained" weights (random, saved as a file): they
 * load the file, train only what the seed trains, and leave the frozen part bit for bit as loaded.
 */
class TransferRecipesTest {
    @TempDir Path dir;
    private final CliRun cli = new CliRun();

    private void photos(int train, int valid) throws Exception {
        ImageRecipesTest.writeClasses(dir.resolve("cd/train"), train, 1, "cats", "dogs");
        ImageRecipesTest.writeClasses(dir.resolve("cd/validation"), valid, 2, "cats", "dogs");
    }

    @Test void s0ResNet18TrainsOnlyTheNewHeadWhileBatchNormStatisticsFollowPyTorch() throws Exception {
        photos(12, 4);
        Path weights = dir.resolve("resnet18.safetensors");
        try (Scope s = Scope.open()) {
            ResNet.resnet18(Zoo.IMAGENET_CLASSES).stateDict().save(weights);
        }
        int rc = cli.run("train", "--recipe", "s0-resnet18", "--data", dir.resolve("cd").toString(), "--weights", weights.toString(),
                "--epochs", "2", "--batch-size", "8", "--out", dir.resolve("run").toString());
        assertThat(rc).as(cli.err).isZero();
        assertThat(cli.out).contains("resnet18 weights: " + weights, "validation accuracy");
        try (Scope s = Scope.open()) {
            StateDict before = StateDict.load(weights), after = StateDict.load(dir.resolve("run/best.safetensors"));
            assertThat(after.asMap()).containsKeys("fc.0.weight", "fc.0.bias").doesNotContainKey("fc.weight");
            int weightsCompared = 0, statisticsMoved = 0;
            for (Map.Entry<String, Tensor> e : before.entrySet()) {
                if (e.getKey().startsWith("fc.")) continue;
                boolean same = after.get(e.getKey()).equal(e.getValue());
                if (e.getKey().endsWith(".weight") || e.getKey().endsWith(".bias")) {
                    assertThat(same).as(e.getKey() + " unchanged").isTrue();
                    weightsCompared++;
                } else if (!same) {
                    statisticsMoved++; // seed 000 in PyTorch: a frozen batch norm in a training model updates its statistics
                }
            }
            assertThat(weightsCompared).isEqualTo(ResNet.resnet18(Zoo.IMAGENET_CLASSES).parameters().size() - 2);
            assertThat(statisticsMoved).isGreaterThan(0);
        }
    }

    @Test void s2VggFeatureExtractionComputesFeaturesOnceAndTrainsTheHead() throws Exception {
        photos(6, 3);
        Path weights = dir.resolve("vgg16-features.safetensors");
        try (Scope s = Scope.open()) {
            Vgg.features(Vgg.VGG16, false).stateDict().save(weights); // the features alone are accepted too
        }
        int rc = cli.run("train", "--recipe", "s2-vgg-fe", "--data", dir.resolve("cd").toString(), "--weights", weights.toString(),
                "--epochs", "2", "--batch-size", "4", "--out", dir.resolve("run").toString());
        assertThat(rc).as(cli.err).isZero();
        assertThat(cli.out).contains("computing vgg16 features once", "training: ", "validation accuracy");
        try (Scope s = Scope.open()) {
            StateDict base = StateDict.load(weights), model = StateDict.load(dir.resolve("run/model.safetensors"));
            for (Map.Entry<String, Tensor> e : base.entrySet()) {
                assertThat(model.get("conv_base." + e.getKey()).equal(e.getValue())).as(e.getKey()).isTrue();
            }
            assertThat(model.asMap()).containsKeys("classifier.0.weight", "classifier.3.weight");
            assertThat(StateDict.load(dir.resolve("run/best.safetensors")).asMap()).containsOnlyKeys("0.weight", "0.bias", "3.weight", "3.bias");
        }
    }

    @Test void s2VggFineTuningChangesTheBaseFromIndexTenOnly() throws Exception {
        photos(4, 2);
        Path weights = dir.resolve("vgg16-features.safetensors");
        try (Scope s = Scope.open()) {
            Vgg.features(Vgg.VGG16, false).stateDict().save(weights);
        }
        int rc = cli.run("train", "--recipe", "s2-vgg-ft", "--data", dir.resolve("cd").toString(), "--weights", weights.toString(),
                "--epochs", "1", "--batch-size", "4", "--out", dir.resolve("run").toString());
        assertThat(rc).as(cli.err).isZero();
        try (Scope s = Scope.open()) {
            StateDict base = StateDict.load(weights), model = StateDict.load(dir.resolve("run/best.safetensors"));
            for (Map.Entry<String, Tensor> e : base.entrySet()) {
                int index = Integer.parseInt(e.getKey().substring(0, e.getKey().indexOf('.')));
                boolean same = model.get("conv_base." + e.getKey()).equal(e.getValue());
                assertThat(same).as(e.getKey() + (index < 10 ? " frozen" : " fine-tuned")).isEqualTo(index < 10);
            }
        }
    }

    @Test void withoutWeightsTheMessageSaysWhichFileToGetAndWhere() throws Exception {
        photos(2, 1);
        String home = System.getProperty("user.home"), offline = System.getProperty("torch4j.offline");
        System.setProperty("user.home", dir.resolve("home").toString());
        System.setProperty("torch4j.offline", "true");
        try {
            int rc = cli.run("train", "--recipe", "s0-resnet18", "--data", dir.resolve("cd").toString());
            assertThat(rc).isNotZero();
            assertThat(cli.err).contains("ImageNet weights for resnet18 not found", "resnet18-f37072fd.pth",
                    dir.resolve("home/.torch4j/weights").toString(), "downloading is off",
                    "Get https://download.pytorch.org/models/resnet18-f37072fd.pth and put it in " + dir.resolve("home/.torch4j/weights"));
        } finally {
            System.setProperty("user.home", home);
            if (offline == null) System.clearProperty("torch4j.offline");
            else System.setProperty("torch4j.offline", offline);
        }
        assertThat(cli.run("train", "--recipe", "s2-cat", "--data", dir.resolve("cd").toString(), "--weights", "x.pth")).isNotZero();
        assertThat(cli.err).contains("s2-cat trains from scratch and takes no --weights");
    }

    @Test void theFashionMnistTransferStudyReportsThreeAccuraciesPerBudget() throws Exception {
        int rc = cli.run("train", "--recipe", "fmnist-transfer", "--budget", "3,10", "--epochs", "1", "--fine-tune-epochs", "2",
                "--out", dir.resolve("study").toString());
        assertThat(rc).as(cli.err).isZero();
        assertThat(cli.out).contains("pretraining on classes 0-4: 3007 images", "test accuracy on 469 images", "(a) scratch");
        com.google.gson.JsonObject m = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(dir.resolve("study/metrics.json")))
                .getAsJsonObject().getAsJsonObject("target_test_accuracy_by_images_per_class");
        assertThat(m.keySet()).containsExactly("3", "10");
        for (String b : m.keySet()) {
            assertThat(m.getAsJsonObject(b).keySet()).containsExactly("scratch", "frozen_backbone", "last_block_fine_tuned");
            for (String k : m.getAsJsonObject(b).keySet()) assertThat(m.getAsJsonObject(b).get(k).getAsDouble()).isBetween(0.0, 1.0);
        }
        try (Scope s = Scope.open()) { // the saved backbone loads into the study's architecture
            TransferStudy.backbone().load(dir.resolve("study/backbone.safetensors"));
        }
        assertThat(cli.run("train", "--recipe", "fmnist-transfer", "--budget", "0")).isEqualTo(2);
        assertThat(cli.err).contains("--budget takes positive counts");
    }
}
