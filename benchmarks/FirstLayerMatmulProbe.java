// Tried and not kept: a first layer (input without gradient) as a matrix product of the weights over the input's
// columns (given, so the im2col is not even timed) against torch.conv2d, forward + backward, 2 threads, median of 60.
//   java -cp 'target/classes:target/lib/*' benchmarks/FirstLayerMatmulProbe.java
import org.bytedeco.javacpp.*;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class FirstLayerMatmulProbe {
    static double tm(Runnable f) {
        for (int i = 0; i < 20; i++) try (PointerScope s = new PointerScope()) { f.run(); }
        int n = 60; double[] t = new double[n];
        for (int i = 0; i < n; i++) try (PointerScope s = new PointerScope()) { long t0 = System.nanoTime(); f.run(); t[i] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t); return t[n / 2];
    }
    public static void main(String[] a) {
        dev.torch4j.tensor.Torch.setThreads(2);
        long[][] L = {{512, 1, 4, 28}, {32, 3, 6, 128}};
        for (int r = 0; r < 2; r++) for (long[] l : L) {
            long n = l[0], c = l[1], o = l[2], h = l[3], oh = h / 2;
            Tensor x = torch.randn(n, c, h, h), w = torch.randn(o, c, 3, 3).set_requires_grad(true), b = torch.randn(o).set_requires_grad(true);
            Tensor gy = torch.randn(n, o, oh, oh);
            Tensor cols = torch.im2col(x, new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1}, new long[] {2, 2}).contiguous(); // [N, C*9, L]
            double conv = tm(() -> torch.conv2d(x, w, new TensorOptional(b), new long[] {2, 2}, new long[] {1, 1}, new long[]{1,1}, 1).mul(gy).sum().backward());
            double mm = tm(() -> w.reshape(o, -1).matmul(cols).add(b.reshape(o, 1)).reshape(n, o, oh, oh).mul(gy).sum().backward());
            double base = tm(() -> gy.mul(gy).sum());
            System.out.printf(Locale.ROOT, "N %d %d->%d @%d fwd+bwd(+mul,sum): conv %.3f, matmul over given cols %.3f (mul+sum alone %.3f)%n", n, c, o, h, conv, mm, base);
        }
    }
}
