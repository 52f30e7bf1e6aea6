// ReLU then max pooling, pooling then ReLU (what Sequential runs since 2026-12-03), and pooling alone, forward + backward of
// sum(y * g) at the seed models' shapes, 2 threads, ms (median of 200 after 20). Run at a head before the change: afterwards
// F.maxPool2d is unchanged, so the figures still compare the two orders.
//   java -cp 'target/classes:target/lib/*' benchmarks/ReluPoolProbe.java
import dev.torch4j.nn.F;
import dev.torch4j.tensor.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class ReluPoolProbe {
    static double tm(Runnable f) {
        for (int i = 0; i < 20; i++) try (PointerScope s = new PointerScope()) { f.run(); }
        double[] t = new double[200];
        for (int i = 0; i < 200; i++) try (PointerScope s = new PointerScope()) { long t0 = System.nanoTime(); f.run(); t[i] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t); return t[100];
    }
    public static void main(String[] a) {
        Torch.init(); torch.set_num_threads(2);
        long[][] shapes = {{64, 32, 26, 26}, {64, 64, 11, 11}, {100, 16, 24, 24}, {100, 32, 8, 8}};
        for (int r = 0; r < 2; r++) for (long[] sh : shapes) {
            Tensor x0 = torch.randn(sh);
            Tensor g = torch.randn(sh[0], sh[1], sh[2] / 2, sh[3] / 2);
            dev.torch4j.tensor.Tensor tx = dev.torch4j.tensor.Tensor.wrap(x0);
            x0.requires_grad_(true);
            // relu then pool (as the seeds) vs pool then relu (same values and gradient)
            double rp = tm(() -> { Tensor y = F.maxPool2d(dev.torch4j.tensor.Tensor.wrap(torch.relu(x0)), 2).handle(); y.mul(g).sum().backward(); x0.grad().zero_(); });
            double pr = tm(() -> { Tensor y = torch.relu(F.maxPool2d(tx, 2).handle()); y.mul(g).sum().backward(); x0.grad().zero_(); });
            double base = tm(() -> { Tensor y = F.maxPool2d(tx, 2).handle(); y.mul(g).sum().backward(); x0.grad().zero_(); });
            System.out.printf(Locale.ROOT, "%s relu->pool %.3f  pool->relu %.3f  pool alone %.3f ms%n", Arrays.toString(sh), rp, pr, base);
        }
    }
}
