package dev.torch4j.shim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without the shim's native library (a copy of the classes without dev/torch4j/shim/<platform>/), torch4j
 * still trains and reports, says once what is missing, and refuses only the features that need the shim.
 */
class MissingShimTest {
    @TempDir Path dir;

    private String run(String... args) throws IOException, InterruptedException {
        return runWith(List.of(), args);
    }

    private String runWith(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        Path classes = Path.of("target/classes").toAbsolutePath(), copy = dir.resolve("classes");
        if (!Files.exists(copy)) copyWithoutNativeLibrary(classes, copy);
        String cp = Stream.concat(Stream.of(copy.toString()), Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).toAbsolutePath().equals(classes) && !e.contains("test-classes"))).collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.bytedeco.javacpp.cachedir=" + dir.resolve("javacpp-cache")));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", cp, "dev.torch4j.cli.Main"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        return p.exitValue() + "\n" + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void copyWithoutNativeLibrary(Path classes, Path copy) throws IOException {
        try (Stream<Path> all = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path rel = classes.relativize(p);
                if (rel.toString().matches("dev[/\\\\]torch4j[/\\\\]shim[/\\\\][a-z]+-[a-z0-9_]+.*")) continue; // the native library
                Path to = copy.resolve(rel.toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
    }

    @Test void versionAndTrainingWorkAndTheMissingLibraryIsNamedOnce() throws Exception {
        String out = run("version");
        assertThat(out).startsWith("0\n").contains("native shim unavailable", "libtorch 2.10.0");
        assertThat(out.split("could not be loaded", -1)).as(out).hasSize(2); // said once
        assertThat(out).contains("torch4j_shim", ":native-" + org.bytedeco.javacpp.Loader.getPlatform() + " (torch4j-native-");
        // the true reason: the library is not on the class path (not JavaCPP's "no jniNativeShim in java.library.path")
        assertThat(out).contains("no dev/torch4j/shim/" + NativePlatform.current() + "/" + System.mapLibraryName("torch4j_shim") + " on the class path")
                .doesNotContain("no jniNativeShim");

        out = run("train", "--recipe", "s0-nn", "--epochs", "1", "--device", "cpu");
        assertThat(out).startsWith("0\n").contains("test accuracy");
    }

    @Test void featuresThatNeedTheShimSaySo() throws Exception {
        for (String c : new String[] {"cats", "dogs"}) {
            Files.createDirectories(dir.resolve("photos/train").resolve(c));
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), "jpg",
                    dir.resolve("photos/train").resolve(c).resolve("a.jpg").toFile());
        }
        String out = run("train", "--recipe", "s2-cat", "--data", dir.resolve("photos").toString());
        assertThat(out).startsWith("1\n").contains("needs the torch4j native shim", "could not be loaded for platform");
    }

    @Test void aUserSetDirectoryProvidesTheShim() throws Exception {
        Path built = Path.of("target/classes/dev/torch4j/shim", NativePlatform.current()).toAbsolutePath();
        String out = runWith(List.of("-D" + Shim.PATH_PROPERTY + "=" + built), "version");
        assertThat(out).startsWith("0\n").contains("native shim 0.1.0 (" + built.resolve(System.mapLibraryName("torch4j_shim")))
                .doesNotContain("could not be loaded", "WARNING");
    }

    @Test void aUserSetDirectoryWithoutTheLibrariesIsNamed() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        String out = runWith(List.of("-D" + Shim.PATH_PROPERTY + "=" + empty), "version");
        assertThat(out).startsWith("0\n").contains("native shim unavailable",
                Shim.PATH_PROPERTY + "=" + empty + " has no " + System.mapLibraryName("torch4j_shim"));
        out = runWith(List.of("-D" + Shim.PATH_PROPERTY + "=" + dir.resolve("missing")), "version");
        assertThat(out).contains(Shim.PATH_PROPERTY + "=" + dir.resolve("missing") + " is not a directory");
    }
}
