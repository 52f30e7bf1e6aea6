// The first layers of the seed models (1-3 input channels) in libtorch (oneDNN) and in the shim's few-channel
// kernels (t4j_conv2d_few_channels_f32 and its weight gradient): forward, and weight + bias gradient without the
// input's. The batch sizes are bench's. 2 threads, median of 40, three interleaved rounds; the largest difference
// from libtorch's values is printed too.
//   java -cp 'target/classes:target/lib/*' benchmarks/FewChannelConvProbe.java [ROUNDS [deeper]]
// (deeper: the stride-2 layers above the first, to see where the kernels stop paying)
import dev.torch4j.shim.Shim;
import org.bytedeco.javacpp.*;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;

public class FewChannelConvProbe {
    static double tm(Runnable f) {
        for (int i = 0; i < 8; i++) try (PointerScope s = new PointerScope()) { f.run(); }
        int n = 40; double[] t = new double[n];
        for (int i = 0; i < n; i++) try (PointerScope s = new PointerScope()) { long t0 = System.nanoTime(); f.run(); t[i] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t); return t[n / 2];
    }

    public static void main(String[] a) {
        dev.torch4j.tensor.Torch.setThreads(2);
        int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 3;
        // name, n, c, h, o, k, stride, padding
        Object[][] cases = {
            {"s0-cnn 1", 512, 1, 28, 4, 3, 2, 1}, {"s0-catdog 1", 32, 3, 128, 6, 3, 2, 1}, {"s1-a 1", 100, 1, 28, 16, 5, 1, 2},
            {"s1-c 1", 100, 1, 28, 16, 5, 1, 0}, {"s2 1", 64, 1, 28, 32, 3, 1, 0}, {"s3 1", 64, 1, 28, 6, 5, 1, 0},
            {"s4 1", 128, 1, 28, 32, 3, 1, 1}, {"s2-cat 1", 32, 3, 150, 32, 3, 1, 0}, {"resnet18 1", 16, 3, 224, 64, 7, 2, 3}};
        if (a.length > 1 && a[1].equals("deeper")) cases = new Object[][] { // the stride-2 layers above the first
            {"s0-cnn 2", 512, 4, 14, 8, 3, 2, 1}, {"s0-cnn 3", 512, 8, 7, 16, 3, 2, 1}, {"s0-cnn 4", 512, 16, 4, 32, 3, 2, 1},
            {"s0-catdog 2", 32, 6, 64, 12, 3, 2, 1}, {"s0-catdog 3", 32, 12, 32, 24, 3, 2, 1}};
        for (int r = 0; r < rounds; r++) for (Object[] cs : cases) {
            long n = (int) cs[1], c = (int) cs[2], h = (int) cs[3], o = (int) cs[4], k = (int) cs[5], s = (int) cs[6], p = (int) cs[7];
            long oh = (h + 2 * p - k) / s + 1;
            Tensor x = torch.randn(n, c, h, h), w = torch.randn(o, c, k, k), b = torch.randn(o), gy = torch.randn(n, o, oh, oh);
            long[] g = {n, c, h, h, o, k, k, oh, oh, s, s, p, p};
            long[] st = {s, s}, pd = {p, p}, dl = {1, 1};
            Tensor y = torch.empty(n, o, oh, oh), gw = torch.empty(o, c, k, k), gb = torch.empty(o);
            double lf = tm(() -> torch.conv2d(x, w, new TensorOptional(b), st, pd, dl, 1));
            double nf = tm(() -> Shim.conv2dFewChannels(x.data_ptr(), w.data_ptr(), b.data_ptr(), y.data_ptr(), g, 2));
            double lb = tm(() -> torch.convolution_backward(gy, x, w, new long[] {o}, st, pd, dl, false, new long[] {0, 0}, 1,
                    new BoolPointer(3).put(0, false).put(1, true).put(2, true)));
            double nb = tm(() -> Shim.conv2dFewChannelsGradWeight(x.data_ptr(), gy.data_ptr(), gw.data_ptr(), gb.data_ptr(), g, 2));
            Tensor want = torch.conv2d(x, w, new TensorOptional(b), st, pd, dl, 1);
            T_TensorTensorTensor_T wg = torch.convolution_backward(gy, x, w, new long[] {o}, st, pd, dl, false, new long[] {0, 0}, 1,
                    new BoolPointer(3).put(0, false).put(1, true).put(2, true));
            double dy = y.sub(want).abs().max().item_double(), dw = gw.sub(wg.get1()).abs().max().item_double() / wg.get1().abs().max().item_double();
            System.out.printf(Locale.ROOT, "round %d %-12s N %d %d->%d k%d s%d p%d @%d: forward libtorch %.3f ms shim %.3f (%.2fx); "
                    + "weight+bias grad libtorch %.3f shim %.3f (%.2fx); |dy| %.1e, |dw|/max %.1e%n",
                    r, cs[0], n, c, o, k, s, p, h, lf, nf, nf / lf, lb, nb, nb / lb, dy, dw);
        }
    }
}
