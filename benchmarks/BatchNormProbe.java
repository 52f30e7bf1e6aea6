// Batch norm forward (training) + backward at s0-cnn's six shapes, batch 512, 2 threads, ms (median of 200 after 20).
//   java -cp 'target/classes:target/lib/*' benchmarks/BatchNormProbe.java   (PyTorch: benchmarks/batch_norm_pytorch.py)
import org.bytedeco.javacpp.*;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class BatchNormProbe {
    static double tm(Runnable f) {
        for (int i = 0; i < 20; i++) try (PointerScope s = new PointerScope()) { f.run(); }
        int n = 200; double[] t = new double[n];
        for (int i = 0; i < n; i++) try (PointerScope s = new PointerScope()) { long t0 = System.nanoTime(); f.run(); t[i] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t); return t[n / 2];
    }
    public static void main(String[] a) {
        torch.set_num_threads(2);
        int[][] L = {{4, 14}, {8, 7}, {16, 4}, {32, 2}, {64, 1}, {10, 1}};
        for (int r = 1; r <= 2; r++) { double tot = 0; StringBuilder sb = new StringBuilder();
        for (int[] l : L) {
            Tensor x = torch.randn(512, l[0], l[1], l[1]).set_requires_grad(true);
            Tensor g = torch.ones(l[0]).set_requires_grad(true), b = torch.zeros(l[0]).set_requires_grad(true);
            Tensor rm = torch.zeros(l[0]), rv = torch.ones(l[0]);
            Tensor gy = torch.randn(512, l[0], l[1], l[1]);
            double t = tm(() -> { Tensor y = torch.batch_norm(x, new TensorOptional(g), new TensorOptional(b), new TensorOptional(rm), new TensorOptional(rv), true, 0.1, 1e-5, false); y.mul(gy).sum().backward(); });
            tot += t; sb.append(String.format(Locale.ROOT, " %d@%d %.3f", l[0], l[1], t));
        }
        System.out.printf(Locale.ROOT, "torch4j bn fwd+bwd%s total %.3f ms%n", sb, tot); }
    }
}
