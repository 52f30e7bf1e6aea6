package dev.torch4j.cli;

import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

class MainTest extends CliRun {
    @Test void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out).contains("version", "summary --model NAME", "bench --model NAME");
        assertThat(run()).isEqualTo(2);
    }

    @Test void versionReportsLibtorchDevicesAndThreads() {
        assertThat(run("version")).isZero();
        assertThat(out).contains("libtorch 2.10.0", "cpu build", "devices: cpu", "threads: ", "BLAS 1", "native shim 0.1.0");
    }

    @Test void aCudaBuildWithoutAGpuIsReportedAsTheCpuFallbackItIs() {
        assertThat(Main.gpuFallback("gpu", false)).contains("CUDA build of libtorch is loaded but no CUDA device", "runs on the CPU");
        assertThat(Main.gpuFallback("gpu", true)).isNull();
        assertThat(Main.gpuFallback("cpu", false)).isNull();
        assertThat(run("version")).isZero();
        assertThat(out).doesNotContain("warning:"); // the CPU build here, reported as such
    }

    @Test void summaryPrintsTheSeedFigures() {
        assertThat(run("summary", "--model", "s2-gap", "--input", "1,1,28,28")).isZero();
        assertThat(out).contains("Total params: 56,394", "Total mult-adds (M): 2.79");
        assertThat(run("summary", "--model", "s0-cnn")).isZero();
        assertThat(out).contains("│    └─BatchNorm2d: 2-3");
    }

    @Test void badInputIsExplainedWithoutAStackTrace() {
        assertThat(run("summary", "--model", "vgg99")).isEqualTo(1);
        assertThat(err).contains("unknown model 'vgg99'", "s2-flat");
        assertThat(run("summary", "--model", "s2-flat", "--inptu", "1,1,28,28")).isEqualTo(2);
        assertThat(err).contains("unknown option --inptu");
        assertThat(run("summary", "--model", "s2-flat", "--input", "1,1,32,32")).isEqualTo(1);
        assertThat(err).contains("layer 9 (Linear(in_features=576", "[1, 1024]");
        assertThat(run("bench", "--model", "s1-a", "--batch", "0")).isEqualTo(2);
        assertThat(err).contains("--batch must be a positive integer");
    }

    @Test void trainRunsARecipeOnTheEmbeddedSampleAndWritesItsOutputs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertThat(run("train", "--recipe", "s3-lenet", "--epochs", "2", "--device", "cpu", "--out", dir.toString())).isZero();
        assertThat(out).contains("embedded Fashion-MNIST sample (6000 training, 1000 test images)", "epoch 2/2", "test accuracy");
        for (String f : new String[] {"history.csv", "curves.png", "best.safetensors", "metrics.json"}) assertThat(dir.resolve(f)).exists();
        var metrics = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(dir.resolve("metrics.json"))).getAsJsonObject();
        assertThat(metrics.get("epochs").getAsInt()).isEqualTo(2);
        assertThat(metrics.get("test_accuracy").getAsDouble()).isGreaterThan(0.6); // measured 0.73 after 2 epochs
        assertThat(run("recipes")).isZero();
        assertThat(out).contains("s0-cnn", "s1-a", "s4-adam");
        assertThat(run("train", "--recipe", "s9")).isEqualTo(1);
        assertThat(err).contains("unknown recipe 's9'", "s3-lenet");
        System.setProperty("torch4j.offline", "true");
        try {
            assertThat(run("train", "--recipe", "s3-lenet", "--data", dir.resolve("nothing").toString(), "--epochs", "1")).isEqualTo(1);
        } finally {
            System.clearProperty("torch4j.offline");
        }
        assertThat(err).contains("nothing does not exist; an MNIST-format folder holds the four IDX files");
    }

    @Test void recipesWithAReportAndWithIterations() {
        assertThat(run("train", "--recipe", "s4-adam", "--epochs", "1", "--device", "cpu")).isZero();
        assertThat(out).contains("precision    recall  f1-score   support", "weighted avg");
        // seed 001 counts iterations; --epochs 1 means one pass (60 batches of 100), --valid 0 no test evaluation during training
        assertThat(run("train", "--recipe", "s1-c", "--epochs", "1", "--valid", "0", "--device", "cpu")).isZero();
        assertThat(out).contains("epoch 1/1  train loss").doesNotContain("val loss");
        assertThat(run("train", "--recipe", "s1-c", "--valid", "1.5")).isEqualTo(2);
        assertThat(err).contains("--valid must be in [0, 1)");
    }

    @Test void benchReportsAMedianStepTime() {
        assertThat(run("bench", "--model", "s2-gap", "--batch", "8", "--steps", "5", "--warmup", "1", "--threads", "1")).isZero();
        assertThat(out).matches("(?s)s2-gap batch 8 threads 1 .*median \\d+\\.\\d{3} ms/step\\s*");
    }
}
