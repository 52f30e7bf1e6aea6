// Tried and not kept: the weight (and bias) gradient of s0-cnn's stride-2 convolutions as im2col + one matrix product
// (tensordot, or bmm + sum) against libtorch's convolution_backward with the weight and bias mask. 2 threads, median of 100.
//   java -cp 'target/classes:target/lib/*' benchmarks/WeightGradFormsProbe.java
import org.bytedeco.javacpp.*;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class WeightGradFormsProbe {
    static double tm(Runnable f) {
        for (int i = 0; i < 20; i++) try (PointerScope s = new PointerScope()) { f.run(); }
        int n = 100; double[] t = new double[n];
        for (int i = 0; i < n; i++) try (PointerScope s = new PointerScope()) { long t0 = System.nanoTime(); f.run(); t[i] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t); return t[n / 2];
    }
    public static void main(String[] a) {
        dev.torch4j.tensor.Torch.setThreads(2);
        long[][] L = {{1, 4, 28}, {4, 8, 14}, {8, 16, 7}, {16, 32, 4}};
        for (int r = 0; r < 2; r++) for (long[] l : L) {
            long c = l[0], o = l[1], h = l[2], oh = (h + 2 - 3) / 2 + 1;
            Tensor x = torch.randn(512, c, h, h), w = torch.randn(o, c, 3, 3), gy = torch.randn(512, o, oh, oh);
            double lib = tm(() -> torch.convolution_backward(gy, x, w, new long[] {o}, new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1}, false, new long[] {0, 0}, 1, new BoolPointer(3).put(0, false).put(1, true).put(2, true)));
            Tensor[] keep = new Tensor[2];
            double mm = tm(() -> {
                Tensor cols = torch.im2col(x, new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1}, new long[] {2, 2}); // [N, C*9, L]
                Tensor g2 = gy.reshape(512, o, oh * oh);
                Tensor gw = torch.tensordot(g2, cols, new long[] {0, 2}, new long[] {0, 2});
                Tensor gb = gy.sum(new long[] {0, 2, 3});
                keep[0] = gw;
            });
            double bmm = tm(() -> {
                Tensor cols = torch.im2col(x, new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1}, new long[] {2, 2}); // [N, C*9, L]
                Tensor g2 = gy.reshape(512, o, oh * oh);
                Tensor gw = g2.bmm(cols.transpose(1, 2)).sum(new long[] {0});
                Tensor gb = gy.sum(new long[] {0, 2, 3});
            });
            T_TensorTensorTensor_T ref = torch.convolution_backward(gy, x, w, new long[] {o}, new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1}, false, new long[] {0, 0}, 1, new BoolPointer(3).put(0, false).put(1, true).put(2, true));
            Tensor cols = torch.im2col(x, new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1}, new long[] {2, 2});
            Tensor gw = torch.tensordot(gy.reshape(512, o, oh * oh), cols, new long[] {0, 2}, new long[] {0, 2}).reshape(o, c, 3, 3);
            double d = ref.get1().sub(gw).abs().max().item_double() / ref.get1().abs().max().item_double();
            System.out.printf(Locale.ROOT, "%d->%d @%d: libtorch gw+gb %.3f ms, im2col+tensordot %.3f, im2col+bmm+sum %.3f (rel diff %.1e)%n", c, o, h, lib, mm, bmm, d);
        }
    }
}
