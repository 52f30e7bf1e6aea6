// Batch norm forward (training) + backward with the shim (BatchNorm2d, the fused ReLU + BatchNorm2d of Sequential)
// against libtorch's (relu +) torch.batch_norm, alternating call by call, 2 threads, median ms of STEPS per shape; and
// the largest differences of output and gradients (input, weight, bias) between the two.
//   java -cp 'target/classes:target/lib/*' benchmarks/NativeBatchNormProbe.java [ROUNDS] [STEPS] [relu]
import dev.torch4j.nn.BatchNorm2d;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class NativeBatchNormProbe {
    public static void main(String[] a) {
        Torch.setThreads(2);
        int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 2, steps = a.length > 1 ? Integer.parseInt(a[1]) : 100;
        boolean relu = a.length > 2 && a[2].equals("relu");
        long[][] shapes = {{512, 4, 14, 14}, {512, 8, 7, 7}, {512, 16, 4, 4}, {512, 32, 2, 2}, {512, 64, 1, 1}, {512, 10, 1, 1},
                {32, 6, 64, 64}, {32, 12, 32, 32}, {32, 24, 16, 16}, {32, 48, 8, 8}, {32, 96, 4, 4}, {32, 192, 2, 2}, {32, 384, 1, 1},
                {16, 64, 56, 56}};
        for (int r = 1; r <= rounds; r++) for (long[] s : shapes) {
            BatchNorm2d bn = BatchNorm2d.of(s[1]);
            Sequential m = relu ? Sequential.of(ReLU.of(), bn) : Sequential.of(bn);
            Tensor x = Tensor.randn(s).requiresGrad(true), gy = Tensor.randn(s);
            org.bytedeco.pytorch.Tensor g = bn.weight().handle().detach().clone().requires_grad_(true),
                    b = bn.bias().handle().detach().clone().requires_grad_(true), rm = torch.zeros(s[1]), rv = torch.ones(s[1]);
            double[] tn = new double[steps], tl = new double[steps];
            for (int i = -10; i < steps; i++) {
                long t0 = System.nanoTime();
                try (Scope sc = Scope.open()) { m.call(x).mul(gy).sum().backward(); }
                long t1 = System.nanoTime();
                try (Scope sc = Scope.open()) {
                    org.bytedeco.pytorch.Tensor in = relu ? torch.relu(x.handle()) : x.handle();
                    torch.batch_norm(in, new TensorOptional(g), new TensorOptional(b), new TensorOptional(rm), new TensorOptional(rv), true, 0.1, 1e-5, true)
                            .mul(gy.handle()).sum().backward();
                }
                long t2 = System.nanoTime();
                if (i >= 0) { tn[i] = (t1 - t0) / 1e6; tl[i] = (t2 - t1) / 1e6; }
            }
            // agreement: one more call each from zeroed gradients
            double dy, dx, dw, db, drv;
            try (Scope sc = Scope.open()) {
                x.handle().grad().zero_(); bn.weight().handle().grad().zero_(); bn.bias().handle().grad().zero_();
                g.grad().zero_(); b.grad().zero_();
                Tensor y1 = m.call(x); y1.mul(gy).sum().backward();
                org.bytedeco.pytorch.Tensor gx1 = x.handle().grad().clone();
                x.handle().grad().zero_();
                org.bytedeco.pytorch.Tensor in = relu ? torch.relu(x.handle()) : x.handle();
                org.bytedeco.pytorch.Tensor y2 = torch.batch_norm(in, new TensorOptional(g), new TensorOptional(b), new TensorOptional(rm), new TensorOptional(rv), true, 0.1, 1e-5, true);
                y2.mul(gy.handle()).sum().backward();
                dy = y1.handle().sub(y2).abs().max().item_double();
                dx = gx1.sub(x.handle().grad()).abs().max().item_double();
                dw = bn.weight().handle().grad().sub(g.grad()).abs().max().item_double() / g.grad().abs().max().item_double();
                db = bn.bias().handle().grad().sub(b.grad()).abs().max().item_double() / b.grad().abs().max().item_double();
                drv = bn.runningVar().handle().sub(rv).abs().max().item_double();
            }
            Arrays.sort(tn); Arrays.sort(tl);
            System.out.printf(Locale.ROOT, "round %d %s%s: BatchNorm2d %.3f ms, libtorch %.3f ms, ratio %.2f | |dy| %.1e |dx| %.1e |dw|/max %.1e |db|/max %.1e |d running_var| %.1e%n",
                    r, relu ? "relu+" : "", Arrays.toString(s), tn[steps / 2], tl[steps / 2], tn[steps / 2] / tl[steps / 2], dy, dx, dw, db, drv);
        }
    }
}
