// Does flushing denormals change a seed model's training step on data that has none? Blocks of STEPS steps
// (forward, cross-entropy, backward, plain SGD, as `bench` does; N(0,1) input, one fixed batch) alternate between
// Torch.flushDenormals(false) and (true) in one process, ROUNDS times; prints each block's median step in ms.
//   java -cp 'target/classes:target/lib/*' benchmarks/FlushStepProbe.java MODEL BATCH ROUNDS [STEPS]
import dev.torch4j.nn.*;
import dev.torch4j.recipes.SeedModels;
import dev.torch4j.tensor.*;
import java.util.*;

public class FlushStepProbe {
    public static void main(String[] a) {
        Torch.setThreads(2);
        String name = a[0];
        int batch = Integer.parseInt(a[1]), rounds = Integer.parseInt(a[2]), steps = a.length > 3 ? Integer.parseInt(a[3]) : 30;
        Torch.manualSeed(0);
        Layer m = SeedModels.get(name).factory().get();
        long[] shape = SeedModels.get(name).inputShape().clone();
        shape[0] = batch;
        Tensor x = Tensor.randn(shape);
        Tensor y = Tensor.randint(10, batch);
        List<Tensor> params = m.trainableParameters();
        for (int r = 1; r <= rounds; r++) {
            for (boolean on : new boolean[] {false, true}) {
                Torch.flushDenormals(on);
                double[] t = new double[steps];
                for (int i = -5; i < steps; i++) {
                    long t0 = System.nanoTime();
                    try (Scope s = Scope.open()) {
                        Tensor loss = F.crossEntropy(m.call(x), y);
                        for (Tensor p : params) p.clearGrad();
                        loss.backward();
                        try (Torch.NoGrad g = Torch.noGrad()) {
                            for (Tensor p : params) p.add_(p.grad(), -0.01);
                        }
                    }
                    if (i >= 0) t[i] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(t);
                System.out.printf(Locale.ROOT, "round %d %s batch %d flush %s: median step %.2f ms%n", r, name, batch, on ? "on " : "off", t[steps / 2]);
            }
        }
        Torch.flushDenormals(false);
    }
}
