// Batch norm (training) forward + backward, batch 512, 2 threads: on the contiguous tensor as given, or on a
// channels-last copy whose result is copied back to contiguous (the copies inside the timed region and the graph),
// without and with tensor hooks that hand each side its gradient in its own layout (as BatchNorm2d does: libtorch's
// batch norm backward takes its fast channels-last kernel only for a channels-last output gradient).
// Which planes does the copy pay for? Median ms of 200 after 20, rounds interleaved.
//   java -cp 'target/classes:target/lib/*' benchmarks/BatchNormLayoutProbe.java [ROUNDS]
import org.bytedeco.javacpp.*;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class BatchNormLayoutProbe {
    static double tm(Runnable f) {
        for (int i = 0; i < 20; i++) try (PointerScope s = new PointerScope()) { f.run(); }
        int n = 200; double[] t = new double[n];
        for (int i = 0; i < n; i++) try (PointerScope s = new PointerScope()) { long t0 = System.nanoTime(); f.run(); t[i] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t); return t[n / 2];
    }
    static TensorTensorHook layout(boolean cl) {
        TensorTensorHook h = new TensorTensorHook() {
            @Override public TensorBase call(TensorBase g) { return cl ? g.contiguous(torch.MemoryFormat.ChannelsLast) : g.contiguous(); }
        };
        h.retainReference();
        return h;
    }
    public static void main(String[] a) {
        TensorTensorHook toCl = layout(true), toContiguous = layout(false);
        torch.set_num_threads(2);
        int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 2;
        int[] cs = {4, 16, 32, 64, 128};
        int[] hs = {2, 3, 4, 5, 7, 14};
        for (int r = 1; r <= rounds; r++) for (int c : cs) for (int h : hs) {
            Tensor x = torch.randn(512, c, h, h).set_requires_grad(true);
            Tensor g = torch.ones(c).set_requires_grad(true), b = torch.zeros(c).set_requires_grad(true);
            Tensor rm = torch.zeros(c), rv = torch.ones(c);
            Tensor gy = torch.randn(512, c, h, h);
            double plain = tm(() -> { Tensor y = torch.batch_norm(x, new TensorOptional(g), new TensorOptional(b), new TensorOptional(rm), new TensorOptional(rv), true, 0.1, 1e-5, false); y.mul(gy).sum().backward(); });
            double cl = tm(() -> { Tensor y = torch.batch_norm(x.contiguous(torch.MemoryFormat.ChannelsLast), new TensorOptional(g), new TensorOptional(b), new TensorOptional(rm), new TensorOptional(rv), true, 0.1, 1e-5, false).contiguous(); y.mul(gy).sum().backward(); });
            double hooked = tm(() -> {
                Tensor xc = x.contiguous(torch.MemoryFormat.ChannelsLast);
                xc.register_hook(toContiguous);
                Tensor y = torch.batch_norm(xc, new TensorOptional(g), new TensorOptional(b), new TensorOptional(rm), new TensorOptional(rv), true, 0.1, 1e-5, false);
                y.register_hook(toCl);
                y.contiguous().mul(gy).sum().backward();
            });
            System.out.printf(Locale.ROOT, "round %d C %3d %2dx%-2d contiguous %.3f channels-last copy %.3f ratio %.2f, with layout hooks %.3f ratio %.2f%n",
                    r, c, h, h, plain, cl, cl / plain, hooked, hooked / plain);
        }
    }
}
