// The weight taps of a 1x1-output convolution as a matrix (ConvolutionForms.taps), s0-catdog's 192->384 layer: cut by
// narrow + reshape (a strided copy) against index_select over the flattened taps, forward alone and forward + backward
// (a sum as loss), and the matrix products beside them; median ms of 100 after 20, 2 threads, two rounds.
//   java -cp 'target/classes:target/lib/*' benchmarks/DenseTapsProbe.java
import org.bytedeco.javacpp.*;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class DenseTapsProbe {
    static double tm(Runnable f) {
        for (int i = 0; i < 20; i++) try (PointerScope s = new PointerScope()) { f.run(); }
        int n = 100; double[] t = new double[n];
        for (int i = 0; i < n; i++) try (PointerScope s = new PointerScope()) { long t0 = System.nanoTime(); f.run(); t[i] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t); return t[n / 2];
    }
    public static void main(String[] a) {
        dev.torch4j.tensor.Torch.setThreads(2);
        for (int r = 0; r < 2; r++) {
        Tensor x = torch.randn(32, 192, 2, 2), w = torch.randn(384, 192, 3, 3), b = torch.randn(384);
        Tensor wt = w.narrow(2, 1, 2).narrow(3, 1, 2).reshape(384, -1).contiguous(), xf = x.reshape(32, -1);
        System.out.printf("slice+reshape %.3f%n", tm(() -> w.narrow(2, 1, 2).narrow(3, 1, 2).reshape(384, -1)));
        long C = 192; long[] idxv = new long[(int) (C * 4)]; int k = 0;
        for (long c = 0; c < C; c++) for (long rr = 1; rr < 3; rr++) for (long cc = 1; cc < 3; cc++) idxv[k++] = c * 9 + rr * 3 + cc;
        Tensor idx = torch.tensor(idxv);
        Tensor w2 = w.reshape(384, -1);
        System.out.printf("index_select cols %.3f%n", tm(() -> w2.index_select(1, idx)));
        long[] t4 = {4, 5, 7, 8};
        Tensor idx4 = torch.tensor(t4);
        Tensor w3 = w.reshape(384, 192, 9);
        System.out.printf("index_select taps %.3f%n", tm(() -> w3.index_select(2, idx4).reshape(384, -1)));
        System.out.printf("permute-contig %.3f%n", tm(() -> w.permute(0, 2, 3, 1).contiguous()));
        Tensor wg = w.clone().set_requires_grad(true);
        System.out.printf("slice fwd+bwd %.3f%n", tm(() -> wg.narrow(2, 1, 2).narrow(3, 1, 2).reshape(384, -1).sum().backward()));
        System.out.printf("index_select fwd+bwd %.3f%n", tm(() -> wg.reshape(384, -1).index_select(1, idx).sum().backward()));
        System.out.printf("index_select taps fwd+bwd %.3f%n", tm(() -> wg.reshape(384, 192, 9).index_select(2, idx4).reshape(384, -1).sum().backward()));
        System.out.printf("linear %.3f%n", tm(() -> torch.linear(xf, wt, new TensorOptional(b))));
        System.out.printf("mm %.3f%n", tm(() -> xf.mm(wt.t())));
        System.out.printf("matmul t-contig %.3f%n", tm(() -> xf.mm(wt.t().contiguous())));
        Tensor wtt = wt.t().contiguous();
        System.out.printf("mm [768,384] %.3f%n", tm(() -> xf.mm(wtt)));
        System.out.printf("conv %.3f%n", tm(() -> torch.conv2d(x, w, new TensorOptional(b), new long[] {2, 2}, new long[] {1, 1}, new long[]{1,1}, 1)));
        }
    }
}
