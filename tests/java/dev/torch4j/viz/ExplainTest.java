package dev.torch4j.viz;

import dev.torch4j.nn.AdaptiveAvgPool2d;
import dev.torch4j.nn.Conv2d;
import dev.torch4j.nn.Fixtures;
import dev.torch4j.nn.Flatten;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.io.StateDict;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import dev.torch4j.train.ConfusionMatrix;
import dev.torch4j.recipes.CatClassifier;
import dev.torch4j.vision.ResNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The numbers behind the interpretation pictures, each against a hand-computed or independent reference. */
class ExplainTest {
    @TempDir Path dir;

    @Test void edgeKernelsGiveTheHandComputedSums() {
        try (Scope s = Scope.open()) {
            Tensor img = Tensor.arange(16).to(dev.torch4j.tensor.DType.FLOAT32).reshape(4, 4); // rows 0-3, 4-7, 8-11, 12-15
            Tensor h = Kernels.filter(img, Kernels.horizontalEdge());
            // at (1, 1): (1*0 + 2*1 + 1*2) - (1*8 + 2*9 + 1*10) = 4 - 36; at (0, 0) the zero border: 0 - (2*4 + 1*5)
            assertThat(h.get(1).get(1).item()).isEqualTo(-32.0);
            assertThat(h.get(0).get(0).item()).isEqualTo(-13.0);
            assertThat(Kernels.filter(img, Kernels.edgeDetect()).get(1).get(1).item()).isEqualTo(0.0); // 8*5 - (sum of neighbours 40)
            assertThat(Kernels.filter(img, Kernels.diagonalEdge()).get(1).get(1).item()).isEqualTo(15.0); // 0 + 5 + 10
            assertThat(Kernels.filter(img, Kernels.diagonalEdge()).get(3).get(3).item()).isEqualTo(10.0 + 15.0); // corner: 10 + 15 + 0
        }
    }

    @Test void gaborKernelsAndResponsesEqualScikitImages() {
        try (Scope s = Scope.open()) {
            StateDict fx = StateDict.load(Fixtures.path("viz/gabor.pth"));
            Tensor image = fx.get("image");
            for (int i = 0; i < 9; i++) {
                float[] p = fx.get("k" + i + ".params").toFloatArray();
                Gabor.Kernel k = Gabor.kernel(p[0], fx.get("k" + i + ".params").get(1).item(), p[2]);
                Fixtures.assertClose(k.realPart(), fx.get("k" + i + ".real").to(dev.torch4j.tensor.DType.FLOAT32), 1e-6);
                Fixtures.assertClose(Gabor.toTensor(k.imag()), fx.get("k" + i + ".imag").to(dev.torch4j.tensor.DType.FLOAT32), 1e-6);
                Fixtures.assertClose(Gabor.magnitude(image, k), fx.get("k" + i + ".magnitude").to(dev.torch4j.tensor.DType.FLOAT32), 1e-5);
            }
            assertThat(Gabor.seed002Bank()).hasSize(8);
            assertThatThrownBy(() -> Gabor.magnitude(Tensor.ones(5, 5), Gabor.kernel(0.1, 0, 1))).hasMessageContaining("constant image");
        }
    }

    @Test void featureMapsAreTheLayersOutputFoundByNameOrIndex() {
        try (Scope s = Scope.open()) {
            Torch.manualSeed(3);
            Sequential m = Sequential.of(Conv2d.of(1, 4, 3), ReLU.of(), Conv2d.of(4, 2, 3));
            Tensor x = Tensor.randn(1, 1, 10, 10);
            Tensor expected = m.get(1).call(m.get(0).call(x)).get(0);
            Fixtures.assertClose(FeatureMaps.capture(m, "1", x), expected, 1e-6);
            m.get(0).eval(); // a mix of modes, as a frozen backbone inside a training model
            Fixtures.assertClose(FeatureMaps.capture(m, "-2", x.get(0)), expected, 1e-6);
            assertThat(m.isTraining()).isTrue(); // each module's own mode restored
            assertThat(m.get(0).isTraining()).isFalse();
            assertThat(m.get(2).isTraining()).isTrue();
            CatClassifier cat = new CatClassifier(false);
            assertThat(FeatureMaps.capture(cat, "0", Tensor.rand(1, 3, 64, 64)).shape()).containsExactly(32, 62, 62); // conv_layers[0]
            assertThat(FeatureMaps.capture(cat, "conv_layers.3", Tensor.rand(1, 3, 64, 64)).shape()).containsExactly(64, 29, 29);
            assertThatThrownBy(() -> FeatureMaps.capture(m, "7", x)).hasMessageContaining("index 7 out of range for a Sequential of 3");
            assertThatThrownBy(() -> FeatureMaps.capture(cat, "fc_layers.1", Tensor.rand(1, 3, 64, 64)))
                    .hasMessageContaining("not feature maps");
        }
    }

    /** Two channels mark two regions; class k's score is the mean of channel k: Grad-CAM must return region k. */
    @Test void gradCamPointsAtTheRegionTheScoreDependsOn() {
        try (Scope s = Scope.open()) {
            float[] v = new float[2 * 8 * 8];
            for (int y = 0; y < 3; y++) for (int x = 0; x < 3; x++) v[y * 8 + x] = 1;              // channel 0: top-left 3x3
            for (int y = 5; y < 7; y++) for (int x = 5; x < 7; x++) v[64 + y * 8 + x] = 1;         // channel 1: bottom-right 2x2
            Tensor input = Tensor.of(v, 1, 2, 8, 8);
            Layer model = Sequential.of(ReLU.of(), AdaptiveAvgPool2d.of(1), Flatten.of()); // logits [9/64, 4/64]
            GradCam.Result predicted = GradCam.compute(model, "0", input, null);
            assertThat(predicted.classIndex()).isZero();
            Fixtures.assertClose(predicted.heatmap(), input.get(0).get(0), 1e-6);   // exactly the top-left region, max 1
            GradCam.Result other = GradCam.compute(model, "0", input, 1);
            Fixtures.assertClose(other.heatmap(), input.get(0).get(1), 1e-6);
            assertThat(predicted.logits().toFloatArray()).containsExactly(new float[] {9 / 64f, 4 / 64f}, within(1e-7f));
            assertThatThrownBy(() -> GradCam.compute(model, "0", input, 2)).hasMessageContaining("class 2 out of range: the model has 2 outputs");
        }
    }

    @Test void gradCamOnAResNetsLastBlockLeavesTheModelAsItWas() {
        try (Scope s = Scope.open()) {
            Torch.manualSeed(4);
            ResNet m = new ResNet(ResNet.Block.BASIC, new int[] {1, 1, 1, 1}, 3, 8);
            m.freeze("layer1");
            m.train();
            GradCam.Result r = GradCam.compute(m, "layer4.-1", Tensor.randn(1, 3, 64, 64), null);
            assertThat(r.heatmap().shape()).containsExactly(2, 2);
            assertThat(r.heatmap().max().item()).isCloseTo(1.0, within(1e-6));
            assertThat(r.heatmap().min().item()).isGreaterThanOrEqualTo(0.0);
            assertThat(m.isTraining()).isTrue();
            for (var e : m.namedParameters().entrySet()) {
                assertThat(e.getValue().grad()).as(e.getKey() + " untouched").isNull();
                assertThat(e.getValue().requiresGrad()).as(e.getKey()).isEqualTo(!e.getKey().startsWith("layer1."));
            }
            BufferedImage overlay = GradCam.overlay(Tensor.full(0.5, 3, 16, 16), Tensor.ones(2, 2));
            // 0.6 * 128 + 0.4 * jet(1) = 0.6 * 128 + 0.4 * (128, 0, 0)
            assertThat(overlay.getRGB(3, 3) & 0xffffff).isEqualTo((128 << 16) | (77 << 8) | 77);
        }
    }

    @Test void gradientAscentRaisesTheFiltersActivation() {
        try (Scope s = Scope.open()) {
            Torch.manualSeed(5);
            Sequential m = Sequential.of(Conv2d.of(3, 4, 3), ReLU.of(), Conv2d.of(4, 4, 3), ReLU.of());
            FilterVisualizer.Result r = FilterVisualizer.of(m).size(16).upscalingSteps(2).steps(10).seed(1).visualize("2", 1);
            assertThat(r.endActivation()).isGreaterThan(r.startActivation() + 0.05);
            assertThat(r.image().shape()).containsExactly(3, 19, 19); // 16 * 1.2
            assertThat(r.image().min().item()).isGreaterThanOrEqualTo(0.0);
            assertThat(r.image().max().item()).isLessThanOrEqualTo(1.0);
            assertThatThrownBy(() -> FilterVisualizer.of(m).size(8).upscalingSteps(1).steps(1).visualize("2", 9))
                    .hasMessageContaining("filter 9 out of range: layer '2' has 4");
        }
    }

    @Test void colourMapsAndPicturesHaveTheExpectedPixels() throws Exception {
        assertThat(ColorMap.VIRIDIS.rgb(0)).isEqualTo(0x440154);
        assertThat(ColorMap.VIRIDIS.rgb(1)).isEqualTo(0xfde725);
        assertThat(ColorMap.JET.rgb(0)).isEqualTo(0x000080);
        assertThat(ColorMap.JET.rgb(0.5)).isEqualTo(0x80ff80);
        assertThat(ColorMap.JET.rgb(1)).isEqualTo(0x800000);
        assertThat(ColorMap.GRAY_R.rgb(0)).isEqualTo(0xffffff);
        assertThat(ColorMap.BONE.rgb(1)).isEqualTo(0xffffff);
        try (Scope s = Scope.open()) {
            Tile t = Tile.of(Tensor.of(new float[] {-4, 0, 4, 8}, 2, 2), ColorMap.GRAY_R).range(-4, 4);
            BufferedImage img = t.image();
            assertThat(img.getRGB(0, 0) & 0xff).isEqualTo(255);   // -4: white
            assertThat(img.getRGB(1, 0) & 0xff).isEqualTo(128);   // 0: mid grey
            assertThat(img.getRGB(1, 1) & 0xff).isEqualTo(0);     // 8 clipped to black
            Path png = Kernels.demo(Tensor.rand(28, 28), Kernels.seed002()).save(dir.resolve("kernels.png"));
            BufferedImage read = ImageIO.read(png.toFile());
            assertThat(read.getWidth()).isGreaterThan(3 * 140);
            assertThat(read.getHeight()).isGreaterThan(3 * 140);
            ConfusionMatrix cm = new ConfusionMatrix(3);
            cm.add(0, 0);
            cm.add(1, 2);
            BufferedImage picture = Plots.confusionMatrix(cm, List.of("a", "b", "c"));
            assertThat(picture.getWidth()).isGreaterThan(3 * 56);
            Figure grid = Plots.samples(Tensor.rand(7, 1, 28, 28), new long[] {0, 1, 2, 0, 1, 2, 0}, new long[] {0, 1, 1, 0, 1, 2, 2},
                    List.of("a", "b", "c"), 25);
            assertThat(grid.rows()).isEqualTo(3);
            assertThat(grid.cols()).isEqualTo(3);
        }
    }
}
