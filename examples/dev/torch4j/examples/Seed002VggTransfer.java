package dev.torch4j.examples;

import dev.torch4j.data.*;
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;
import dev.torch4j.vision.*;
import dev.torch4j.recipes.*;

import java.nio.file.Path;

/**
 * Seed 002's three ways to use VGG16's ImageNet features on cats vs dogs (150x150 photos, ImageNet normalisation,
 * one logit with BCE-with-logits, Adam 1e-4, batch 32, 30 epochs):
 * <ol>
 *   <li>fast feature extraction: the frozen base runs once over every photo, a small head trains on the features;</li>
 *   <li>end to end with augmentation: the frozen base runs (without gradients) on augmented photos each epoch;</li>
 *   <li>fine-tuning: as 2, with the base's children from index 10 on trainable (16,552,193 trainable parameters).</li>
 * </ol>
 * DIR is laid out as seed 002's cats_and_dogs: train/{cats,dogs} and validation/{cats,dogs}. WEIGHTS defaults to
 * torchvision's vgg16-397923af.pth (found or downloaded by {@link Weights#imagenet}).
 * Run: {@code java -cp target/torch4j.jar dev.torch4j.examples.Seed002VggTransfer DIR [WEIGHTS] [EPOCHS]}
 */
public final class Seed002VggTransfer {
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Path weights = args.length > 1 ? Path.of(args[1]) : Weights.imagenet("vgg16");
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 30;

        Transform imagenet = Transforms.normalize(new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});
        Pipeline plain = Transforms.compose(Transforms.resize(150, 150), Transforms.toTensor(), imagenet);
        Pipeline augment = Transforms.compose(Transforms.resize(150, 150), Transforms.randomRotation(40),
                Transforms.randomResizedCrop(150, 150).scale(0.8, 1.2), Transforms.randomHorizontalFlip(),
                Transforms.randomAffine(0).shear(20), Transforms.colorJitter(0.2, 0.2, 0.2), Transforms.toTensor(), imagenet);
        ImageFolder train = ImageFolder.open(dir.resolve("train"), plain).seed(42);
        ImageFolder valid = ImageFolder.open(dir.resolve("validation"), plain);

        // 1. Fast feature extraction: conv_base(x) once per photo, then a head on 8,192 features.
        Torch.manualSeed(42);
        VggTransfer fe = VggTransfer.featureExtraction(vgg16Features(weights), 150);
        FeatureExtractor extractor = new FeatureExtractor(fe.convBase());
        extractor.to(Device.auto());
        TensorDataset trainFeatures = extractor.cache(train, 32, null), validFeatures = extractor.cache(valid, 32, null);
        report("fast feature extraction", fe.head(), trainFeatures, validFeatures, epochs);

        // 2. End to end with augmentation, base frozen.
        Torch.manualSeed(42);
        VggTransfer frozen = VggTransfer.frozenBase(vgg16Features(weights), 150);
        System.out.println(frozen.summary(1, 3, 150, 150));
        report("frozen base + augmentation", frozen, train.pipeline(augment), valid, epochs);

        // 3. Fine-tuning: conv_base children 10.. train too.
        Torch.manualSeed(42);
        VggTransfer tuned = VggTransfer.fineTuned(vgg16Features(weights), 150, 10);
        System.out.println(tuned.summary(1, 3, 150, 150));
        report("fine-tuned from layer 10", tuned, train.pipeline(augment), valid, epochs);
    }

    /** VGG16's features with ImageNet weights (torchvision's whole-model file; its classifier is not needed). */
    static Sequential vgg16Features(Path weights) {
        return Weights.vggFeatures(Vgg.VGG16, false, weights);
    }

    static void report(String name, Layer model, dev.torch4j.data.Dataset train, dev.torch4j.data.Dataset valid, int epochs) {
        Trainer trainer = Trainer.of(model).callbacks(ProgressPrinter.console()).loss(Loss.bceWithLogits()).optimizer(Adam.of(1e-4)).epochs(epochs).batchSize(32).seed(42)
                .device(Device.auto());
        trainer.fit(train, valid);
        Evaluation e = trainer.evaluate(valid);
        System.out.printf("%s: validation loss %.4f, accuracy %.4f%n%n", name, e.loss(), e.accuracy());
    }
}
