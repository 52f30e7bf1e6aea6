package dev.torch4j.examples;

import dev.torch4j.data.*;
import dev.torch4j.distributed.*;
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.recipes.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;

import java.util.Locale;

/**
 * Seed 003's LeNet trained data-parallel: every worker builds the same model and data, joins the group, and the
 * Trainer does the rest (its share of each epoch, gradients averaged, rank 0 prints). Alone it trains as usual.
 * Run: {@code java -jar target/torch4j.jar launch --nproc-per-node 2 -- java -cp target/torch4j.jar
 * dev.torch4j.examples.DataParallelLeNet [EPOCHS]}
 */
public final class DataParallelLeNet {
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (ProcessGroup group = Rendezvous.inEnvironment() ? ProcessGroup.init() : null) {
            MnistData data = FashionMnist.installedOrSample();
            Normalization norm = Normalization.fromData(data.train(null));
            Layer lenet = Generator.seeded(42).call(LeNet::new);
            // 32 per process: with 2 processes each step averages 64 images, as the one-process recipe does
            int batch = group == null ? 64 : Math.max(1, 64 / group.worldSize());
            Trainer trainer = Trainer.of(lenet).callbacks(ProgressPrinter.console()).optimizer(Adam.of(1e-3)).epochs(epochs)
                    .batchSize(batch).seed(42);
            trainer.fit(data.train(norm), data.test(norm));
            if (ProcessGroup.isMainProcess()) {
                System.out.printf(Locale.ROOT, "%d process(es), batch %d each: test accuracy %.4f%n",
                        group == null ? 1 : group.worldSize(), batch, trainer.evaluate(data.test(norm)).accuracy());
            }
        }
    }
}
