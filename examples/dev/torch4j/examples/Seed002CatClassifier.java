package dev.torch4j.examples;

import dev.torch4j.data.*;
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;
import dev.torch4j.recipes.*;

import java.nio.file.Path;

/**
 * Seed 002's cat classifier, twice: first as is (150x150 photos, 4 conv + global average pooling + 2 FC,
 * 307,393 parameters, one logit with BCE-with-logits, Adam 1e-3, batch 64, 50 epochs; it overfits), then
 * with dropout, augmentation (rotation 40, resized crop 0.8-1.2, flip, shear 20, colour jitter 0.2),
 * normalisation to [-1, 1] and weight decay 1e-4 (it no longer overfits). Each run keeps the weights of
 * its best validation loss, as the seed's ModelCheckpoint, and reports validation figures (the seed has
 * no test set).
 * DIR is laid out as seed 002's cats_and_dogs: train/{cats,dogs} and validation/{cats,dogs}.
 * Run: {@code java -cp target/torch4j.jar dev.torch4j.examples.Seed002CatClassifier DIR [EPOCHS]}
 */
public final class Seed002CatClassifier {
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 50;

        Pipeline plain = Transforms.compose(Transforms.resize(150, 150), Transforms.toTensor());
        Torch.manualSeed(42); // the initial weights
        run("s2-cat", new CatClassifier(false), Adam.of(1e-3), plain, plain, dir, epochs);

        Transform half = Transforms.normalize(new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5});
        Pipeline augment = Transforms.compose(Transforms.resize(150, 150), Transforms.randomRotation(40),
                Transforms.randomResizedCrop(150, 150).scale(0.8, 1.2), Transforms.randomHorizontalFlip(),
                Transforms.randomAffine(0).shear(20), Transforms.colorJitter(0.2, 0.2, 0.2), Transforms.toTensor(), half);
        Pipeline normalized = Transforms.compose(Transforms.resize(150, 150), Transforms.toTensor(), half);
        Torch.manualSeed(42);
        run("s2-cat-aug", new CatClassifier(true), Adam.of(1e-3).weightDecay(1e-4), augment, normalized, dir, epochs);
    }

    static void run(String name, Layer model, Optimizer optimizer, Pipeline trainSteps, Pipeline validSteps, Path dir, int epochs) {
        ImageFolder train = ImageFolder.open(dir.resolve("train"), trainSteps).seed(42);
        ImageFolder valid = ImageFolder.open(dir.resolve("validation"), validSteps);
        System.out.printf("%s: classes %s, %d training and %d validation photos%n", name, train.classes(), train.size(), valid.size());
        System.out.println(model.summary(1, 3, 150, 150));

        Checkpoint best = Checkpoint.bestBy("val_loss", Path.of(name + "-best.safetensors"));
        Trainer trainer = Trainer.of(model).callbacks(ProgressPrinter.console()).loss(Loss.bceWithLogits()).optimizer(optimizer).epochs(epochs).batchSize(64).seed(42)
                .device(Device.auto()).callbacks(best);
        History history = trainer.fit(train, valid);
        history.plot(Path.of(name + "-curves.png"));

        model.load(best.file());
        Evaluation e = trainer.evaluate(valid);
        System.out.printf("%s: best validation loss at epoch %d; validation loss %.4f, accuracy %.4f (curves in %s-curves.png)%n%n",
                name, best.bestEpoch(), e.loss(), e.accuracy(), name);
    }
}
