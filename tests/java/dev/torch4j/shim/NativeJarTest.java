package dev.torch4j.shim;

import org.junit.jupiter.api.Assumptions;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native libraries as they go into the native jar (target/classes/dev/torch4j/shim/PLATFORM): they need nothing
 * beyond the C/C++ runtime and what is bundled beside them, they decode with the system's libjpeg and libpng out of
 * reach, and when a dependency is missing the message names it.
 */
class NativeJarTest {
    private static final Set<String> RUNTIME = Set.of("libstdc++.so.6", "libm.so.6", "libgcc_s.so.1", "libc.so.6", "libpthread.so.0",
            "libdl.so.2", "ld-linux-x86-64.so.2", "libtorch4j_shim.so");
    private static final List<String> BUNDLED = List.of("libjpeg.so.62", "libpng16.so.16", "libz.so.1");
    @TempDir Path dir;

    private static Path nativeDir() {
        return Path.of("target/classes/dev/torch4j/shim", NativePlatform.current()).toAbsolutePath();
    }

    private static void assumeLinux() {
        Assumptions.assumeTrue(NativePlatform.current().startsWith("linux-"), "readelf and mount namespaces are Linux's; "
                + "the workflow checks macOS (otool -L) and Windows (objdump -p) through ctest's shim_dependencies");
    }

    private static String exec(List<String> command, Path workDir) throws IOException, InterruptedException {
        Path log = Files.createTempFile(workDir, "out", ".txt"); // a file, so that a long output cannot block the child
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("timed out: " + command);
        }
        return p.exitValue() + "\n" + Files.readString(log, StandardCharsets.UTF_8);
    }

    @Test void theLibrariesNeedOnlyTheRuntimeAndWhatIsBundled() throws Exception {
        assumeLinux();
        Path d = nativeDir();
        List<String> files = new ArrayList<>(List.of("libtorch4j_shim.so", "libjniNativeShim.so"));
        files.addAll(BUNDLED);
        for (String f : files) {
            assertThat(d.resolve(f)).as("bundled beside the shim").isRegularFile();
            String out = exec(List.of("readelf", "-d", d.resolve(f).toString()), dir);
            assertThat(out).startsWith("0\n");
            List<String> needed = Arrays.stream(out.split("\n")).filter(l -> l.contains("(NEEDED)"))
                    .map(l -> l.substring(l.indexOf('[') + 1, l.indexOf(']'))).toList();
            assertThat(needed).as(f + " needs").isNotEmpty().allMatch(n -> RUNTIME.contains(n) || BUNDLED.contains(n));
        }
        // the shim finds what is bundled in its own directory, wherever JavaCPP puts it
        assertThat(exec(List.of("readelf", "-d", d.resolve("libtorch4j_shim.so").toString()), dir)).containsPattern("(RUNPATH|RPATH).*\\[\\$ORIGIN\\]");
    }

    /** The newest version of {@code prefix} (GLIBC_, GLIBCXX_) that a library's symbols require, as [major, minor, patch]. */
    private int[] newest(Path lib, String prefix) throws Exception {
        String out = exec(List.of("readelf", "-V", "--wide", lib.toString()), dir); // the version needs, not every symbol
        int[] best = {0, 0, 0};
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + prefix + "([0-9]+(?:\\.[0-9]+)*)").matcher(out);
        while (m.find()) {
            String[] parts = m.group(1).split("\\.");
            int[] v = {0, 0, 0};
            for (int i = 0; i < Math.min(3, parts.length); i++) v[i] = Integer.parseInt(parts[i]);
            if (Arrays.compare(v, best) > 0) best = v;
        }
        return best;
    }

    /** The shim and everything bundled with it ask no newer glibc or libstdc++ than libtorch itself (README states both). */
    @Test void theGlibcAndLibstdcxxFloorIsNoHigherThanLibtorchs() throws Exception {
        assumeLinux();
        dev.torch4j.tensor.Torch.init();
        String torchCpu = org.bytedeco.javacpp.Loader.getLoadedLibraries().entrySet().stream().filter(e -> e.getKey().contains("torch_cpu"))
                .map(java.util.Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("libtorch_cpu not loaded"));
        Path libtorch = Path.of(torchCpu);
        int[] glibc = newest(libtorch, "GLIBC_"), cxx = newest(libtorch, "GLIBCXX_");
        List<String> files = new ArrayList<>(List.of("libtorch4j_shim.so", "libjniNativeShim.so"));
        files.addAll(BUNDLED);
        for (String f : files) {
            assertThat(Arrays.compare(newest(nativeDir().resolve(f), "GLIBC_"), glibc)).as(f + " GLIBC vs libtorch's " + Arrays.toString(glibc)).isLessThanOrEqualTo(0);
            assertThat(Arrays.compare(newest(nativeDir().resolve(f), "GLIBCXX_"), cxx)).as(f + " GLIBCXX vs libtorch's " + Arrays.toString(cxx)).isLessThanOrEqualTo(0);
        }
    }

    /** The system's copies of the bundled image libraries that this machine has (the real files behind the links). */
    private static List<Path> systemImageLibraries() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String name : new String[] {"libjpeg.so.62", "libpng16.so.16"}) {
            for (String d : new String[] {"/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib"}) {
                Path p = Path.of(d, name);
                if (Files.exists(p)) {
                    out.add(p.toRealPath());
                    break;
                }
            }
        }
        return out.stream().distinct().toList();
    }

    /** {@code command} in a private mount namespace where {@code hidden} files read as empty; skipped where that cannot be. */
    private String withHidden(List<Path> hidden, List<String> command) throws Exception {
        assumeLinux();
        Assumptions.assumeTrue(new File("/usr/bin/unshare").canExecute() || new File("/bin/unshare").canExecute(), "no unshare (util-linux)");
        String probe = exec(List.of("unshare", "--mount", "true"), dir);
        Assumptions.assumeTrue(probe.startsWith("0\n"), "mount namespaces need root (CI runs as root): " + probe.trim());
        StringBuilder script = new StringBuilder();
        for (Path h : hidden) script.append("mount --bind /dev/null '").append(h).append("' && ");
        script.append("exec");
        for (String c : command) script.append(" '").append(c).append('\'');
        return exec(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", script.toString()), dir);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test void decodesJpegAndPngWhenTheSystemsLibrariesAreOutOfReach() throws Exception {
        List<Path> hidden = systemImageLibraries();
        Assumptions.assumeFalse(hidden.isEmpty(), "this machine has no system libjpeg/libpng to hide");
        Path images = Path.of("tests/resources/fixtures/images").toAbsolutePath();
        String out = withHidden(hidden, List.of(java(), "-Dorg.bytedeco.javacpp.cachedir=" + dir.resolve("cache"), "-cp",
                System.getProperty("java.class.path"), DecodeChild.class.getName(),
                hidden.stream().map(Path::toString).collect(Collectors.joining(",")),
                images.resolve("progressive.jpg").toString(), images.resolve("palette.png").toString()));
        assertThat(out).startsWith("0\n");
        for (Path h : hidden) assertThat(out).contains("hidden " + h);
        assertThat(out).contains("decoded progressive.jpg [3, ", "decoded palette.png [3, ").doesNotContain("could not be loaded");
    }

    @Test void aMissingDependencyIsNamedNotTheJniGlue() throws Exception {
        List<Path> hidden = systemImageLibraries();
        Assumptions.assumeFalse(hidden.isEmpty(), "this machine has no system libjpeg/libpng to hide");
        // the classes as the jar holds them, minus the bundled libjpeg: the shim is found, its libjpeg is not
        Path classes = Path.of("target/classes").toAbsolutePath(), copy = dir.resolve("classes");
        try (Stream<Path> all = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path to = copy.resolve(classes.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else if (!p.getFileName().toString().equals("libjpeg.so.62")) Files.copy(p, to);
            }
        }
        String cp = Stream.concat(Stream.of(copy.toString()), Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).toAbsolutePath().equals(classes) && !e.contains("test-classes"))).collect(Collectors.joining(File.pathSeparator));
        String out = withHidden(hidden, List.of(java(), "-Dorg.bytedeco.javacpp.cachedir=" + dir.resolve("cache"), "-cp", cp,
                "dev.torch4j.cli.Main", "version"));
        assertThat(out).contains("native shim unavailable", "libtorch4j_shim.so but it cannot be loaded", "libjpeg.so.62",
                "A library it needs is missing on this machine").doesNotContain("no jniNativeShim in java.library.path");
    }
}
