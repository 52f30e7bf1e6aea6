package dev.torch4j.examples;

import dev.torch4j.data.*;
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;
import dev.torch4j.viz.*;
import dev.torch4j.recipes.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Seed 002's pictures of what a convolutional network sees, on Fashion-MNIST, each written as a PNG to OUT:
 * fixed edge kernels (kernels.png), a Gabor filter bank (gabor.png), then seed 002's small CNN (3 conv + global
 * average pooling) trained for EPOCHS (curves.png) and looked into: one filter's activation and all filters of
 * its first layer (feature-map.png, feature-maps.png), what its third-layer filters respond to by gradient ascent
 * (filters.png), Grad-CAM over its last conv layer (grad-cam.png), test images with their predictions
 * (samples.png) and the confusion matrix (confusion.png). The CLI draws the same: {@code explain ...}.
 * Run: {@code java -cp target/torch4j.jar dev.torch4j.examples.Seed002Interpretation [OUT] [EPOCHS]}
 */
public final class Seed002Interpretation {
    public static void main(String[] args) throws Exception {
        Path out = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "interpretation"));
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        MnistData data = FashionMnist.sample();
        Tensor boot = data.test().inputs().get(0).reshape(28, 28);

        Kernels.demo(boot, Kernels.seed002()).save(out.resolve("kernels.png"));
        List<Tensor> three = List.of(boot, data.test().inputs().get(1).reshape(28, 28), data.test().inputs().get(2).reshape(28, 28));
        List<String> names = List.of(FashionMnist.CLASSES.get((int) data.test().targets().get(0).itemLong()),
                FashionMnist.CLASSES.get((int) data.test().targets().get(1).itemLong()),
                FashionMnist.CLASSES.get((int) data.test().targets().get(2).itemLong()));
        Gabor.bank(Gabor.seed002Bank(), three, names).save(out.resolve("gabor.png"));

        Torch.manualSeed(42);
        Sequential cnn = SeedModels.s2Gap(); // conv 0, relu 1, pool 2, conv 3, relu 4, pool 5, conv 6, relu 7, GAP, flatten, fc
        Trainer trainer = Trainer.of(cnn).callbacks(ProgressPrinter.console()).optimizer(Adam.of(1e-3)).epochs(epochs).batchSize(64).seed(42);
        History history = trainer.fit(data.train(), data.test());
        history.plot(out.resolve("curves.png"));

        Tensor image = data.test().inputs().get(0);                       // [1, 28, 28]
        Tensor maps = FeatureMaps.capture(cnn, "0", image);               // the first conv layer's 32 maps
        FeatureMaps.one(image, maps, 0).save(out.resolve("feature-map.png"));
        FeatureMaps.all(maps, 16, "Activations of layer 0").save(out.resolve("feature-maps.png"));

        FilterVisualizer filters = FilterVisualizer.of(cnn).channels(1).size(28).upscalingSteps(3).steps(20).lr(0.01);
        filters.grid("3", new int[] {0, 1, 2, 3, 4, 5, 6, 7}, null).save(out.resolve("filters.png"));

        GradCam.Result cam = GradCam.compute(cnn, "7", image, null);
        Figure.grid(1, 2).tileSize(196)
                .put(0, 0, Tile.rgb(image).title(FashionMnist.CLASSES.get((int) data.test().targets().get(0).itemLong())))
                .put(0, 1, Tile.picture(GradCam.overlay(image, cam.heatmap())).title("Grad-CAM: " + FashionMnist.CLASSES.get(cam.classIndex())))
                .save(out.resolve("grad-cam.png"));

        Tensor logits = trainer.predict(data.test());
        Plots.samples(data.test().inputs(), data.test().targets().toLongArray(), logits.argmax(1).toLongArray(), FashionMnist.CLASSES, 25)
                .save(out.resolve("samples.png"));
        ConfusionMatrix cm = new ConfusionMatrix(10).addLogits(logits, data.test().targets());
        Figure.savePng(Plots.confusionMatrix(cm, FashionMnist.CLASSES), out.resolve("confusion.png"));
        System.out.printf("test accuracy %.4f; Grad-CAM explains class %d; pictures in %s%n", cm.accuracy(), cam.classIndex(), out.toAbsolutePath());
    }
}
