package dev.torch4j.cli;

import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

class MainTest extends CliRun {
    @Test void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out).contains("Usage: torch4j", "train", "launch", "summary", "bench", "predict", "explain", "completion", "--version");
        assertThat(run()).isEqualTo(2); // no command: the usage, on stderr
        assertThat(err).contains("Usage: torch4j");
        assertThat(out).isEmpty();
        assertThat(run("--version")).isZero();
        assertThat(out).startsWith("torch4j ").contains("(libtorch 2.10.0)");
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
        assertThat(err).contains("torch4j summary: Unknown options: '--inptu'", "Possible solutions: --input");
        assertThat(run("summary", "--model", "s2-flat", "--input", "1,1,32,32")).isEqualTo(1);
        assertThat(err).contains("layer 9 (Linear(in_features=576", "[1, 1024]");
        assertThat(run("bench", "--model", "s1-a", "--batch-size", "0")).isEqualTo(2);
        assertThat(err).contains("torch4j bench: --batch-size must be >= 1, got 0");
        assertThat(run("bench", "--model", "s1-a", "--batch", "8")).isEqualTo(2); // one vocabulary: --batch-size everywhere
        assertThat(err).contains("Unknown options: '--batch'", "Possible solutions: --batch-size");
        assertThat(err).doesNotContain("\tat ").doesNotContain("Exception");
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
        assertThat(run("train", "--recipe", "s9")).isEqualTo(2);
        assertThat(err).contains("torch4j train: unknown recipe 's9'", "s3-lenet").doesNotContain("train: train:");
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
        assertThat(run("bench", "--model", "s2-gap", "--batch-size", "8", "--steps", "5", "--warmup", "0", "--threads", "1")).isZero();
        assertThat(out).matches("(?s)s2-gap batch 8 threads 1 .*median \\d+\\.\\d{3} ms/step\\s*");
    }

    @Test void typedOptionsNameTheOptionAndTheValue() {
        assertThat(run("train", "--recipe", "s3-lenet", "--seed", "abc")).isEqualTo(2);
        assertThat(err).contains("torch4j train: Invalid value for option '--seed': 'abc' is not a long");
        assertThat(run("train", "--recipe", "s3-lenet", "--seed", "99999999999999999999")).isEqualTo(2);
        assertThat(err).contains("'--seed': '99999999999999999999' is not a long");
        assertThat(run("train", "--recipe", "s3-lenet", "--epochs", "0")).isEqualTo(2);
        assertThat(err).contains("torch4j train: --epochs must be >= 1, got 0");
        assertThat(run("train", "--recipe", "s3-lenet", "--budget", "5")).isEqualTo(2);
        assertThat(err).contains("torch4j train: --budget does not apply to recipe s3-lenet");
        assertThat(run("train", "--help")).isZero();
        assertThat(out).contains("--batch-size=N", "--threads=N", "--download", "--resume=DIR", "Default: 42");
    }

    @Test void tooManyThreadsAreCappedAtTheCoreCountWithAWarning() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(run("bench", "--model", "s2-gap", "--batch-size", "2", "--steps", "1", "--warmup", "0", "--threads", "500")).isZero();
        assertThat(err).contains("torch4j bench: warning: --threads 500 is more than the " + cores + " cores here; using " + cores);
        assertThat(out).contains("threads " + cores + " ");
    }

    @Test void theHeaderSaysWhatThisRunDoes() {
        assertThat(run("train", "--recipe", "s3-lenet", "--epochs", "1", "--threads", "1", "--device", "cpu")).isZero();
        assertThat(out).contains("as published: LeNet on Fashion-MNIST, Adam, batch 64, 10 epochs", "this run: 1 epoch, batch size 64, seed 42, 1 thread, cpu");
    }

    @Test void aFailureShowsOneLineAndDebugAddsTheStackTrace() {
        assertThat(run("summary", "--model", "s2-flat", "--input", "1,1,32,32")).isEqualTo(1);
        assertThat(err.strip().lines().count()).isEqualTo(1);
        assertThat(run("summary", "--model", "s2-flat", "--input", "1,1,32,32", "--debug")).isEqualTo(1);
        assertThat(err).contains("\tat dev.torch4j.");
    }

    @Test void completionPrintsABashScript() {
        assertThat(run("completion", "bash")).isZero();
        assertThat(out).contains("complete -F", "torch4j").contains("train").contains("--batch-size");
        assertThat(run("completion", "fish")).isEqualTo(2);
        assertThat(err).contains("SHELL must be bash, got 'fish'");
    }
}
