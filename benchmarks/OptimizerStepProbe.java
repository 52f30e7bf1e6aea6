// The optimizer step alone (after one backward, gradients kept), Adam and SGD, on a seed model's parameters, 2 threads,
// median of 300 steps after 30; ms per step. PyTorch's side: benchmarks/optimizer_step_pytorch.py.
//   java -cp 'target/classes:target/lib/*' benchmarks/OptimizerStepProbe.java MODEL [ROUNDS]
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.recipes.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;
import java.util.*;
import java.util.function.Supplier;

public class OptimizerStepProbe {
    public static void main(String[] a) {
        Torch.setThreads(2);
        String model = a[0];
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 2;
        Layer m = SeedModels.get(model).factory().get();
        Tensor x = Tensor.randn(8, 1, 28, 28);
        Tensor y = Tensor.zeros(DType.INT64, 8);
        Loss.crossEntropy().compute(m.call(x), y).backward();
        long n = 0;
        for (Tensor p : m.trainableParameters()) n += p.numel();
        Map<String, Supplier<Optimizer>> kinds = new LinkedHashMap<>();
        kinds.put("adam", () -> Adam.of(1e-3).on(m));
        kinds.put("sgd", () -> Sgd.of(1e-3).on(m));
        kinds.put("sgd-momentum", () -> Sgd.of(1e-3).momentum(0.9).on(m));
        for (int r = 1; r <= rounds; r++)
            for (var k : kinds.entrySet()) {
                Optimizer o = k.getValue().get();
                double[] t = new double[300];
                for (int i = 0; i < 330; i++) {
                    try (Scope s = Scope.open()) {
                        long t0 = System.nanoTime();
                        o.step();
                        if (i >= 30) t[i - 30] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                Arrays.sort(t);
                System.out.printf(Locale.ROOT, "round %d %s %s (%d parameters in %d tensors): median %.3f ms/step%n", r, model, k.getKey(), n,
                        m.trainableParameters().size(), t[150]);
            }
    }
}
