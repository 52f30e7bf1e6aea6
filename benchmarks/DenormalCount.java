import dev.torch4j.data.*;
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.recipes.SameConvNet;
import dev.torch4j.tensor.*;
import java.nio.file.Path;
import java.util.*;

// Are there denormal floats (0 < |v| < 1.18e-38) in seed 004's training, where flushing them to zero could matter?
// The s4 recipe's model and data path (bytes to floats unnormalised, batches in order, batch 128), SGD or Adam 1e-3,
// without flushing; every 300 steps: how many activations (every layer's output), their gradients, the weight
// gradients and the weights are denormal, and the smallest non-zero magnitudes of activations and gradients.
//   java -cp 'target/classes:target/lib/*' benchmarks/DenormalCount.java STEPS sgd|adam
public class DenormalCount {
    static long denormals(Tensor t) {
        try (Scope s = Scope.open()) {
            Tensor a = t.abs();
            return (long) a.gt(0).mul(a.lt(1.1754944e-38)).sum().item();
        }
    }
    static double minNonZero(Tensor t) {
        try (Scope s = Scope.open()) {
            Tensor a = t.abs();
            Tensor big = a.eq(0).float32().mul(1e30);
            return a.add(big).min().item();
        }
    }
    public static void main(String[] args) {
        Torch.setThreads(2);
        MnistData data = FashionMnist.load(Path.of("/usr/share/datasets/fashion-mnist"));
        Dataset ds = data.train(null);
        Torch.manualSeed(42);
        Layer m = new SameConvNet();
        Sequential seq = (Sequential) m.children().get(0);
        Optimizer opt = args[1].equals("adam") ? Adam.of(1e-3).on(m) : Sgd.of(1e-3).on(m);
        int steps = Integer.parseInt(args[0]), i = 0;
        for (int epoch = 0; epoch < 3 && i < steps; epoch++) {
            for (Batch b : DataLoader.sequential(ds, 128)) {
                if (i >= steps) break;
                try (Scope s = Scope.open()) {
                    long t0 = System.nanoTime();
                    Tensor h = b.inputs();
                    List<Tensor> acts = new ArrayList<>();
                    for (Layer l : seq.children()) { h = l.call(h); acts.add(h); }
                    Tensor loss = F.crossEntropy(h, b.targets());
                    opt.zeroGrad();
                    for (Tensor a : acts) if (a.requiresGrad()) a.retainGrad();
                    loss.backward();
                    opt.step();
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (i % 300 == 0) {
                        StringBuilder sb = new StringBuilder();
                        long actD = 0, actGD = 0, gD = 0, wD = 0, actN = 0;
                        for (Tensor a : acts) { actD += denormals(a); actN += a.numel(); if (a.grad() != null) actGD += denormals(a.grad()); }
                        for (Tensor p : m.trainableParameters()) { gD += denormals(p.grad()); wD += denormals(p); }
                        double mg = Double.MAX_VALUE, ma = Double.MAX_VALUE;
                        for (Tensor a : acts) { ma = Math.min(ma, minNonZero(a)); if (a.grad() != null) mg = Math.min(mg, minNonZero(a.grad())); }
                        for (Tensor p : m.trainableParameters()) mg = Math.min(mg, minNonZero(p.grad()));
                        System.out.printf(Locale.ROOT, "  smallest non-zero |activation| %.3g, |gradient| %.3g%n", ma, mg);
                        System.out.printf(Locale.ROOT, args[1] + " step %d (%.1f ms): denormal activations %d of %d, activation grads %d, weight grads %d, weights %d%n", i, ms, actD, actN, actGD, gD, wD);
                    }
                }
                i++;
            }
        }
    }
}
