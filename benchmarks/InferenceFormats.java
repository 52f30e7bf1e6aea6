// Inference throughput of a zoo model at 224x224, contiguous against channels-last, interleaved per round, 2 threads:
//   java -cp 'target/classes:target/lib/*' benchmarks/InferenceFormats.java MODEL BATCH REPEATS ROUNDS
import dev.torch4j.nn.*;
import dev.torch4j.tensor.*;
import dev.torch4j.vision.Zoo;

import java.util.Arrays;

public class InferenceFormats {
    public static void main(String[] a) {
        String name = a[0];
        int batch = Integer.parseInt(a[1]), repeats = Integer.parseInt(a[2]), rounds = Integer.parseInt(a[3]);
        Torch.setThreads(2);
        for (int r = 0; r < rounds; r++) {
            for (MemoryFormat f : MemoryFormat.values()) {
                Torch.manualSeed(0);
                Layer m = Zoo.create(name, 1000).to(f);
                m.eval();
                Tensor x = Tensor.randn(batch, 3, 224, 224);
                double[] t = new double[repeats];
                try (Torch.NoGrad g = Torch.noGrad()) {
                    for (int i = 0; i < repeats + 1; i++) {
                        long t0 = System.nanoTime();
                        try (Scope s = Scope.open()) {
                            m.call(x);
                        }
                        if (i >= 1) t[i - 1] = (System.nanoTime() - t0) / 1e9;
                    }
                }
                Arrays.sort(t);
                System.out.printf(java.util.Locale.ROOT, "round %d torch4j %s batch %d %s: %.1f images/s%n", r, name, batch, f, batch / t[repeats / 2]);
            }
        }
    }
}
