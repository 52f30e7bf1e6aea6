package dev.torch4j.examples;

import dev.torch4j.data.*;
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;
import dev.torch4j.recipes.*;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Seed 003's LeNet on the full Fashion-MNIST with Adam, batch 64, normalised with the training set's mean
 * and std, in the setting of ../shared/reference/recipes_fmnist.py (all 60,000 training images, seed 42,
 * test on the 10,000 test images) so that its figures compare with PyTorch's.
 * Run: {@code java -cp target/torch4j.jar dev.torch4j.examples.FashionMnistLeNet [DATA_DIR|-] [EPOCHS] [THREADS]}
 */
public final class FashionMnistLeNet {
    public static void main(String[] args) {
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Torch.setThreads(args.length > 2 ? Integer.parseInt(args[2]) : 2);

        // looks in the directory given, $TORCH4J_DATA, ~/.torch4j/data and /usr/share/datasets (Debian)
        MnistData data = args.length > 0 && !args[0].equals("-") ? FashionMnist.load(Path.of(args[0])) : FashionMnist.load();
        double mean = data.train().inputs().mean().item(), std = data.train().inputs().std().item();
        TensorDataset train = new TensorDataset(data.train().inputs().sub(mean).div(std), data.train().targets());
        TensorDataset test = new TensorDataset(data.test().inputs().sub(mean).div(std), data.test().targets());

        Layer lenet = Generator.seeded(42).call(LeNet::new); // the same weights as torch.manual_seed(42) then LeNet()
        Trainer trainer = Trainer.of(lenet).callbacks(ProgressPrinter.console()).optimizer(Adam.of(1e-3)).epochs(epochs).batchSize(64).seed(42).device(Device.auto());
        History history = trainer.fit(train, null);
        double accuracy = trainer.evaluate(test).accuracy();
        double[] seconds = history.series("seconds");
        Arrays.sort(seconds);
        System.out.printf(Locale.ROOT, "test accuracy %.4f, median epoch %.2f s (%d threads)%n", accuracy, seconds[seconds.length / 2], Torch.threads());
    }
}
