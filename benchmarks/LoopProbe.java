// Where an MNIST-type epoch's time goes:
//   java -cp target/classes:target/lib/* benchmarks/LoopProbe.java RECIPE_MODEL BATCH [ROUNDS [floats|bytes [sgd|adam]]]
// floats: a TensorDataset of normalised floats (default); bytes: the CLI's ByteImageDataset (bytes converted and
// normalised per batch, normalised by the data's own mean and std). sgd: SGD 0.06 (default); adam: Adam 1e-3.
// Times, interleaved per round: (a) the bare step on one fixed batch, (b) the loader alone (shuffled gathers of the
// real training set), (c) bare steps on the loader's batches, (d) Trainer.fit for one epoch (no validation).
import dev.torch4j.data.*;
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.recipes.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;

import java.nio.file.Path;

public class LoopProbe {
    public static void main(String[] a) {
        String model = a[0];
        int batch = Integer.parseInt(a[1]), rounds = a.length > 2 ? Integer.parseInt(a[2]) : 3;
        boolean bytes = a.length > 3 && a[3].equals("bytes"), adam = a.length > 4 && a[4].equals("adam");
        Torch.setThreads(2);
        MnistData data = FashionMnist.load(Path.of("/usr/share/datasets/fashion-mnist"));
        Dataset ds = bytes ? data.train(Normalization.fromData(data.train().inputs()))
                : new TensorDataset(Normalization.MNIST.apply(data.train().inputs()), data.train().targets());
        java.util.function.Function<Layer, Optimizer> optimizer = m -> adam ? Adam.of(1e-3).on(m) : Sgd.of(0.06).on(m);
        CrossEntropyLoss ce = Loss.crossEntropy();
        for (int r = 0; r < rounds; r++) {
            Layer m = SeedModels.get(model).factory().get();
            Optimizer opt = optimizer.apply(m);
            DataLoader loader = DataLoader.shuffled(ds, batch, 42);
            long steps = loader.batches();
            Batch fixed;
            try (Scope s = Scope.open()) {
                Batch b0 = loader.iterator().next();
                fixed = new Batch(s.keep(b0.inputs().clone()), s.keep(b0.targets().clone()));
            }
            long t = System.nanoTime();
            double[] each = new double[(int) steps];
            for (long i = 0; i < steps; i++) {
                long ti = System.nanoTime();
                try (Scope s = Scope.open()) {
                    opt.zeroGrad();
                    ce.compute(m.call(fixed.inputs()), fixed.targets()).backward();
                    opt.step();
                }
                each[(int) i] = (System.nanoTime() - ti) / 1e6;
            }
            double bare = (System.nanoTime() - t) / 1e9;
            java.util.Arrays.sort(each);
            System.out.printf("  bare step ms: min %.1f, median %.1f, p90 %.1f, max %.1f%n", each[0], each[each.length / 2],
                    each[each.length * 9 / 10], each[each.length - 1]);
            t = System.nanoTime();
            long seen = 0;
            for (Batch b : loader.epoch(1)) seen += b.size();
            double load = (System.nanoTime() - t) / 1e9;
            t = System.nanoTime();
            for (Batch b : loader.epoch(2)) {
                try (Scope s = Scope.open()) {
                    opt.zeroGrad();
                    ce.compute(m.call(b.inputs()), b.targets()).backward();
                    opt.step();
                }
            }
            double both = (System.nanoTime() - t) / 1e9;
            Layer m2 = SeedModels.get(model).factory().get();
            t = System.nanoTime();
            Trainer.of(m2).optimizer(optimizer.apply(m2)).loss(ce).epochs(1).batchSize(batch).seed(42).quiet(true).fit(ds, null);
            double fit = (System.nanoTime() - t) / 1e9;
            System.out.printf("round %d %s batch %d (%d steps, %d samples): bare %.2f s, loader %.2f s, loader+steps %.2f s, Trainer.fit %.2f s%n",
                    r + 1, model, batch, steps, seen, bare, load, both, fit);
        }
    }
}
