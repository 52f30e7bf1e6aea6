package dev.torch4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's recipes run with a small heap (tensors live outside it), and a heap too small for anything says so. */
class SmallHeapTest {
    @TempDir Path dir;

    private record Run(int code, String output) {}

    private Run cli(String heap, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap,
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean done = p.waitFor(180, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        assertThat(done).as("the child JVM ended").isTrue();
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test void recipesTrainWithA64MegabyteHeap() throws Exception {
        Run r = cli("-Xmx64m", "train", "--recipe", "s3-lenet", "--epochs", "1", "--out", dir.resolve("run").toString());
        assertThat(r.output()).contains("epoch 1/1", "test accuracy").doesNotContain("Exception");
        assertThat(r.code()).isZero();
    }

    /** (Measured by hand on the full Fashion-MNIST: -Xmx24m fails this way; the embedded sample fits in 12 MB.) */
    @Test void anOutOfMemoryErrorNamesTheSettingToRaise() {
        assertThat(Main.memoryAdvice(new OutOfMemoryError("Java heap space"))).contains("raise -Xmx");
        assertThat(Main.memoryAdvice(new OutOfMemoryError("Physical memory usage is too high: physicalBytes (345M) > maxPhysicalBytes (256M)")))
                .contains("-Dorg.bytedeco.javacpp.maxPhysicalBytes");
        assertThat(Main.memoryAdvice(new OutOfMemoryError("Cannot allocate 40000000 bytes (maxBytes 256M)"))).contains("-Dorg.bytedeco.javacpp.maxBytes");
        assertThat(Main.memoryAdvice(new OutOfMemoryError("unable to create native thread"))).contains("--batch-size");
    }
}
