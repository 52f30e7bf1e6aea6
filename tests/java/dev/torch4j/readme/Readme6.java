package dev.torch4j.readme;

import dev.torch4j.tensor.Tensor;
import dev.torch4j.viz.*;
import java.nio.file.Path;

/** README snippet 6 (Seeing inside a model), compiled exactly as the README shows it (ReadmeSnippetsTest keeps the two equal). */
final class Readme6 {
    private Readme6() {}

    static void snippet(dev.torch4j.nn.Layer model, Tensor image, dev.torch4j.vision.ResNet resnet, Tensor input, dev.torch4j.vision.Vgg vgg) throws Exception {
        Tensor maps = FeatureMaps.capture(model, "conv_layers.0", image);     // [filters, h, w]; a name or an index
        FeatureMaps.all(maps, 16, "Activations of layer 0").save(Path.of("maps.png"));
        GradCam.Result cam = GradCam.compute(resnet, "layer4.-1", input, null); // null: the predicted class
        Figure.savePng(GradCam.overlay(image, cam.heatmap()), Path.of("cam.png"));
        FilterVisualizer.of(vgg.features()).grid("10", new int[] {0, 1, 2, 3}, null).save(Path.of("filters.png"));
        Kernels.demo(image, Kernels.seed002()).save(Path.of("kernels.png"));   // edge kernels; Gabor.bank(...) likewise
    }
}
