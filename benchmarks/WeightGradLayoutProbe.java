// Which layout makes oneDNN's weight (and bias) gradient fastest for the seed models' stride-2 convolutions: libtorch's
// convolution_backward with the weight and bias mask on contiguous tensors, on channels-last ones, and on channels-last
// copies made inside the timed call (what NativeConvGrad does for 6-12 input channels). 2 threads, median of 60, two rounds.
//   java -cp 'target/classes:target/lib/*' benchmarks/WeightGradLayoutProbe.java
import org.bytedeco.javacpp.*;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class WeightGradLayoutProbe {
    static double tm(Runnable f) {
        for (int i = 0; i < 10; i++) try (PointerScope s = new PointerScope()) { f.run(); }
        int n = 60; double[] t = new double[n];
        for (int i = 0; i < n; i++) try (PointerScope s = new PointerScope()) { long t0 = System.nanoTime(); f.run(); t[i] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t); return t[n / 2];
    }
    static T_TensorTensorTensor_T gw(Tensor gy, Tensor x, Tensor w, long o) {
        return torch.convolution_backward(gy, x, w, new long[] {o}, new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1}, false, new long[] {0, 0}, 1, new BoolPointer(3).put(0, false).put(1, true).put(2, true));
    }
    public static void main(String[] a) {
        dev.torch4j.tensor.Torch.setThreads(2);
        long[][] L = {{512, 1, 4, 28}, {512, 4, 8, 14}, {512, 8, 16, 7}, {512, 16, 32, 4}, {32, 3, 6, 128}, {32, 6, 12, 64}, {32, 12, 24, 32}, {32, 24, 48, 16}, {32, 48, 96, 8}};
        for (int r = 0; r < 2; r++) for (long[] l : L) {
            long n = l[0], c = l[1], o = l[2], h = l[3], oh = (h + 1) / 2;
            Tensor x = torch.randn(n, c, h, h), w = torch.randn(o, c, 3, 3), gy = torch.randn(n, o, oh, oh);
            Tensor xc = x.contiguous(torch.MemoryFormat.ChannelsLast), gyc = gy.contiguous(torch.MemoryFormat.ChannelsLast), wc = w.contiguous(torch.MemoryFormat.ChannelsLast);
            double plain = tm(() -> gw(gy, x, w, o));
            double cl = tm(() -> gw(gyc, xc, wc, o));
            double clCopies = tm(() -> gw(gy.contiguous(torch.MemoryFormat.ChannelsLast), x.contiguous(torch.MemoryFormat.ChannelsLast), w.contiguous(torch.MemoryFormat.ChannelsLast), o));
            System.out.printf(Locale.ROOT, "N %d %d->%d @%d: weight+bias grad contiguous %.3f ms, channels-last %.3f, with the copies %.3f%n", n, c, o, h, plain, cl, clCopies);
        }
    }
}
