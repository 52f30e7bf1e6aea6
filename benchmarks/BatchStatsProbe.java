// Batch norm forward (training) + backward at s0-cnn's and s0-catdog's larger planes: BatchNorm2d as torch4j runs it
// against libtorch's torch.batch_norm, alternating call by call, 2 threads, median ms of STEPS. Written for a tried
// and reverted path (batch statistics from the shim, libtorch's inference forward as the carrier, its backward hooked
// to return the training backward: 1.2-1.7x slower; docs/benchmarks.md); today it measures BatchNorm2d's own overhead.   java -cp 'target/classes:target/lib/*' benchmarks/BatchStatsProbe.java [ROUNDS] [STEPS]
import dev.torch4j.nn.BatchNorm2d;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class BatchStatsProbe {
    public static void main(String[] a) {
        Torch.setThreads(2);
        int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 2, steps = a.length > 1 ? Integer.parseInt(a[1]) : 100;
        long[][] shapes = {{512, 4, 14, 14}, {512, 8, 7, 7}, {512, 16, 4, 4}, {32, 6, 64, 64}, {32, 12, 32, 32}, {32, 24, 16, 16}, {32, 48, 8, 8}};
        for (int r = 1; r <= rounds; r++) for (long[] s : shapes) {
            BatchNorm2d bn = BatchNorm2d.of(s[1]);
            Tensor x = Tensor.randn(s).requiresGrad(true), gy = Tensor.randn(s);
            org.bytedeco.pytorch.Tensor g = bn.weight().handle(), b = bn.bias().handle(), rm = torch.zeros(s[1]), rv = torch.ones(s[1]);
            double[] tn = new double[steps], tl = new double[steps];
            for (int i = -10; i < steps; i++) {
                long t0 = System.nanoTime();
                try (Scope sc = Scope.open()) { bn.call(x).mul(gy).sum().backward(); }
                long t1 = System.nanoTime();
                try (Scope sc = Scope.open()) {
                    torch.batch_norm(x.handle(), new TensorOptional(g), new TensorOptional(b), new TensorOptional(rm), new TensorOptional(rv), true, 0.1, 1e-5, true)
                            .mul(gy.handle()).sum().backward();
                }
                long t2 = System.nanoTime();
                if (i >= 0) { tn[i] = (t1 - t0) / 1e6; tl[i] = (t2 - t1) / 1e6; }
            }
            Arrays.sort(tn); Arrays.sort(tl);
            System.out.printf(Locale.ROOT, "round %d %s: BatchNorm2d %.3f ms, torch.batch_norm %.3f ms, ratio %.2f%n", r, Arrays.toString(s),
                    tn[steps / 2], tl[steps / 2], tn[steps / 2] / tl[steps / 2]);
        }
    }
}
