package dev.torch4j.examples;

import dev.torch4j.data.*;
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;
import dev.torch4j.recipes.*;

import java.nio.file.Path;
import java.util.List;

/**
 * Seed 002: the same three-conv stack on MNIST finished two ways, Flatten + Linear(576,64) + Linear(64,10)
 * (93,322 parameters) and global average pooling + Linear(64,10) (56,394 parameters). Inputs normalised
 * with the training set's mean and std, 55,000/5,000 training/validation split, Adam 1e-3, batch 64,
 * 10 epochs, seed 42; per-epoch training and validation loss and accuracy, plotted. The seed reports ~99 %.
 * Real MNIST is read when present; otherwise Fashion-MNIST, and the program says so.
 * Run: {@code java -cp target/torch4j.jar dev.torch4j.examples.Seed002MnistFlatVsGap [EPOCHS]}
 */
public final class Seed002MnistFlatVsGap {
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        MnistData data;
        try {
            data = Mnist.load();
        } catch (IllegalStateException e) {
            data = FashionMnist.installedOrSample();
            System.out.println("MNIST is not available here; running on Fashion-MNIST (" + data.source() + ")");
        }
        Normalization norm = Normalization.fromData(data.train().inputs());
        Dataset train = norm.apply(data.train()), test = norm.apply(data.test());
        // 55,000 / 5,000 on the full set; the same proportions on the embedded sample
        List<Subset> split = Datasets.randomSplit(train, 42, 55.0 / 60, 5.0 / 60);

        for (String name : List.of("s2-flat", "s2-gap")) {
            Torch.manualSeed(42);
            Layer model = SeedModels.get(name).create();
            System.out.println(model.summary(1, 1, 28, 28));
            Trainer trainer = Trainer.of(model).callbacks(ProgressPrinter.console()).optimizer(Adam.of(1e-3)).epochs(epochs).batchSize(64).seed(42).device(Device.auto());
            History history = trainer.fit(split.get(0), split.get(1));
            history.plot(Path.of(name + "-curves.png"));
            Evaluation e = trainer.evaluate(test);
            System.out.printf("%s: test loss %.4f, test accuracy %.4f (curves in %s-curves.png)%n%n", name, e.loss(), e.accuracy(), name);
        }
    }
}
