package dev.torch4j.cli;

import dev.torch4j.data.FashionMnist;
import dev.torch4j.nn.Fixtures;
import dev.torch4j.io.StateDict;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.viz.Kernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** explain: each picture is written as a PNG with its numbers beside it; bad requests are named. */
class ExplainCommandTest {
    @TempDir Path dir;
    private final CliRun cli = new CliRun();

    private StateDict picture(String what, String... options) throws Exception {
        String[] args = new String[options.length + 4];
        args[0] = "explain";
        args[1] = what;
        System.arraycopy(options, 0, args, 2, options.length);
        args[args.length - 2] = "--out";
        args[args.length - 1] = dir.resolve(what + ".png").toString();
        assertThat(cli.run(args)).as(cli.err).isZero();
        assertThat(ImageIO.read(dir.resolve(what + ".png").toFile())).isNotNull();
        return StateDict.load(dir.resolve(what + ".safetensors"));
    }

    @Test void kernelsAndGaborOnFashionMnist() throws Exception {
        try (Scope s = Scope.open()) {
            StateDict k = picture("kernels", "--index", "4");
            Tensor image = FashionMnist.sample().test().inputs().get(4).reshape(28, 28);
            Fixtures.assertClose(k.get("image"), image, 0);
            Fixtures.assertClose(k.get("hor_edge.filtered"), Kernels.filter(image, Kernels.horizontalEdge()), 1e-6);
            assertThat(k.asMap()).containsKeys("edge_detect.kernel", "diag_edge.filtered");
            StateDict g = picture("gabor", "--index", "0,5");
            assertThat(g.asMap()).containsKeys("image0", "image5", "kernel7.real", "kernel7.magnitude5");
        }
    }

    @Test void featureMapsGradCamFiltersSamplesAndConfusionOfASeedModel() throws Exception {
        try (Scope s = Scope.open()) {
            assertThat(picture("feature-maps", "--model", "s2-gap", "--layer", "0", "--index", "1").get("activations").shape())
                    .containsExactly(32, 26, 26);
            assertThat(cli.out).contains("no --weights, so s2-gap's random initial weights are shown");
            picture("feature-maps", "--model", "s2-gap", "--layer", "3", "--index", "1", "--filter", "5");
            StateDict cam = picture("grad-cam", "--model", "s2-gap", "--layer", "7", "--index", "2");
            assertThat(cam.get("heatmap").shape()).containsExactly(3, 3);
            assertThat(cli.out).contains("(predicted), probability");
            StateDict f = picture("filters", "--model", "s2-gap", "--layer", "3", "--filters", "0-1,4", "--size", "20", "--upscaling-steps", "1",
                    "--steps", "3", "--seed", "0", "--blur", "0");
            assertThat(f.keySet()).containsExactly("filter0", "filter1", "filter4");
            assertThat(f.get("filter4").shape()).containsExactly(1, 20, 20);
            assertThat(picture("samples", "--count", "9").get("images").shape()).containsExactly(9, 1, 28, 28);
            assertThat(picture("confusion", "--model", "s2-gap").get("counts").sum().item()).isEqualTo(1000.0);
        }
    }

    @Test void badRequestsAreNamed() {
        assertThat(cli.run("explain", "nope", "--out", "x.png")).isEqualTo(2);
        assertThat(cli.err).contains("torch4j explain: Unmatched arguments from index 1: 'nope'");
        assertThat(cli.run("explain", "kernels", "--out", "x.jpg")).isEqualTo(2);
        assertThat(cli.err).contains("--out must name a .png file");
        assertThat(cli.run("explain", "grad-cam", "--model", "s2-gap", "--layer", "12", "--out", dir.resolve("c.png").toString())).isEqualTo(1);
        assertThat(cli.err).contains("index 12 out of range for a Sequential of 11");
        // a photo that is missing, empty or truncated: one line naming the file, no stack trace
        java.nio.file.Path empty = dir.resolve("empty.jpg");
        try {
            java.nio.file.Files.write(empty, new byte[0]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String photo : new String[] {dir.resolve("missing.jpg").toString(), empty.toString()}) {
            assertThat(cli.run("explain", "grad-cam", "--model", "s2-gap", "--layer", "3", "--image", photo, "--out", dir.resolve("g.png").toString())).isEqualTo(1);
            assertThat(cli.err.strip()).startsWith("torch4j explain grad-cam: cannot use image " + photo).doesNotContain("unexpected").doesNotContain("\tat ");
        }
        assertThat(cli.run("explain")).isEqualTo(2);
        assertThat(cli.err).contains("say which picture", "Usage: torch4j explain", "grad-cam", "feature-maps");
        // options of their own for each picture, with their ranges: 0 is a valid seed and blur
        assertThat(cli.run("explain", "filters", "--help")).isZero();
        assertThat(cli.out).contains("--blur=N", "Default: 0", "--upscaling-steps=N");
        assertThat(cli.run("explain", "kernels", "--count", "3", "--out", "x.png")).isEqualTo(2);
        assertThat(cli.err).contains("torch4j explain kernels: Unknown options: '--count'");
    }
}
