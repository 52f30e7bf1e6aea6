package dev.torch4j.examples;

import dev.torch4j.data.*;
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;
import dev.torch4j.recipes.*;

import java.util.List;

/**
 * Seed 001: three small CNNs on MNIST. A: Conv(1,16,5,pad 2)-ReLU-MaxPool-Conv(16,32,5,pad 2)-ReLU-MaxPool-
 * Linear(1568,10); B: the same with average pooling; C: no padding, Linear(512,10). Pixels in [0, 1],
 * batch 100, SGD lr 0.01, 3,000 iterations, test accuracy printed every 500 iterations. The seed reports
 * 97.0 / 93.6 / 96.5 %.
 * Real MNIST is read when present; otherwise Fashion-MNIST (installed, or the sample inside the jar), and
 * the program says so.
 * Run: {@code java -cp target/torch4j.jar dev.torch4j.examples.Seed001CnnPooling [ITERATIONS]}
 */
public final class Seed001CnnPooling {
    public static void main(String[] args) {
        long iterations = args.length > 0 ? Long.parseLong(args[0]) : 3000;
        MnistData data;
        try {
            data = Mnist.load();
        } catch (IllegalStateException e) {
            data = FashionMnist.installedOrSample();
            System.out.println("MNIST is not available here; running on Fashion-MNIST (" + data.source() + ")");
        }

        for (String name : List.of("s1-a", "s1-b", "s1-c")) {
            Torch.manualSeed(42);
            Layer model = SeedModels.get(name).create();
            System.out.println(model.summary(1, 1, 28, 28));
            // The seed measures test accuracy while it trains: the test set is the validation set here.
            Trainer trainer = Trainer.of(model).callbacks(ProgressPrinter.console()).optimizer(Sgd.of(0.01)).batchSize(100).seed(42).device(Device.auto())
                    .iterations(iterations, Math.min(500, iterations));
            trainer.fit(data.train(), data.test());
            Evaluation e = trainer.evaluate(data.test());
            System.out.printf("%s: test accuracy %.2f %%%n%n", name, 100 * e.accuracy());
        }
    }
}
