package dev.torch4j.examples;

import dev.torch4j.data.*;
import dev.torch4j.optim.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;
import dev.torch4j.recipes.*;

import java.nio.file.Path;
import java.util.List;

/**
 * Seed 003: LeNet on Fashion-MNIST. Inputs normalised with the training set's own mean and std, a 90/10
 * training/validation split (split seed 1234), Adam, batch 64, 10 epochs, the weights of the best
 * validation loss kept and tested; then the same model on a test set rotated by up to 25 degrees (fill 0),
 * which it has never seen rotated. The seed reports about 0.9 test accuracy.
 * Run: {@code java -cp target/torch4j.jar dev.torch4j.examples.Seed003FashionLeNet [EPOCHS]}; it reads the
 * installed Fashion-MNIST (Debian's dataset-fashion-mnist, $TORCH4J_DATA, ~/.torch4j/data) or else the
 * sample inside the jar.
 */
public final class Seed003FashionLeNet {
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        MnistData data = FashionMnist.installedOrSample();
        System.out.println("data: " + data.source());

        // Normalise with the training images' statistics; split off 10 % for validation.
        Normalization norm = Normalization.fromData(data.train().inputs());
        Dataset train = norm.apply(data.train()), test = norm.apply(data.test());
        List<Subset> split = Datasets.randomSplit(train, 1234, 0.9, 0.1);

        // The model, Adam, and a loop that keeps the weights of the best validation loss.
        Torch.manualSeed(1234);
        LeNet model = new LeNet();
        System.out.println(model.summary(1, 1, 28, 28));
        Checkpoint best = Checkpoint.bestBy("val_loss", Path.of("s3-lenet-best.safetensors"));
        Trainer trainer = Trainer.of(model).callbacks(ProgressPrinter.console()).optimizer(Adam.of(1e-3)).epochs(epochs).batchSize(64).seed(1234)
                .device(Device.auto()).callbacks(best);
        History history = trainer.fit(split.get(0), split.get(1));
        history.plot(Path.of("s3-lenet-curves.png"));

        model.load(best.file());
        Evaluation e = trainer.evaluate(test);
        System.out.printf("best validation loss at epoch %d; test loss %.4f, test accuracy %.4f%n", best.bestEpoch(), e.loss(), e.accuracy());

        // Rotate the (unnormalised) test images by up to 25 degrees, then normalise as before.
        Dataset rotated = data.test().transform(Transforms.compose(Transforms.randomRotation(25).fill(0), Transforms.toTensor(),
                Transforms.normalize(norm)), 1234);
        Evaluation r = trainer.evaluate(rotated);
        System.out.printf("rotated test set: loss %.4f, accuracy %.4f%n", r.loss(), r.accuracy());
    }
}
