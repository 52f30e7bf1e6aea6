package dev.torch4j.examples;

import dev.torch4j.data.*;
import dev.torch4j.optim.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;
import dev.torch4j.recipes.*;

/**
 * Seed 004: a three-layer "same"-padding CNN on Fashion-MNIST, trained once with SGD (lr 0.001, 25 epochs)
 * and once with Adam (lr 0.001, 15 epochs), batch 128, pixels scaled to [0, 1], batches in order (the
 * seed does not shuffle), each followed by a classification report on the test set. The seed reports
 * 0.836 (SGD) and 0.895 (Adam).
 * Run: {@code java -cp target/torch4j.jar dev.torch4j.examples.Seed004SgdVsAdam [EPOCH_SCALE]}; without data
 * installed it uses the Fashion-MNIST sample inside the jar. EPOCH_SCALE (default 1) shortens both runs.
 */
public final class Seed004SgdVsAdam {
    public static void main(String[] args) {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        MnistData data = FashionMnist.installedOrSample();

        run("SGD", Sgd.of(0.001), (int) Math.max(1, 25 * scale), data);
        run("Adam", Adam.of(0.001), (int) Math.max(1, 15 * scale), data);
    }

    static void run(String name, Optimizer optimizer, int epochs, MnistData data) {
        System.out.println("Train Model (" + name + " Optimizer)");
        Torch.manualSeed(42);
        Trainer trainer = Trainer.of(new SameConvNet()).callbacks(ProgressPrinter.console())
                .loss(Loss.crossEntropy())
                .optimizer(optimizer)
                .epochs(epochs).batchSize(128).shuffle(false).seed(42)
                .device(Device.auto());
        trainer.fit(data.train(), data.test());

        // MakePredictions: the model in evaluation mode, no gradients, in batches
        Tensor logits = trainer.predict(data.test());
        ConfusionMatrix cm = new ConfusionMatrix(10).addLogits(logits, data.test().targets());
        System.out.println(new ClassificationReport(cm, null, 2));
    }
}
