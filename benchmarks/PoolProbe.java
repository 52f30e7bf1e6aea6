// Pooling op by op at the seed models' shapes, 2 threads: libtorch's kernels on contiguous and channels-last input
// against torch4j's F.maxPool2d / F.avgPool2d (the shim's max pooling, average pooling as a depthwise convolution),
// forward alone and forward + backward (of sum(y * g)). Median of 200 calls after 20.
//   java -cp 'target/classes:target/lib/*' benchmarks/PoolProbe.java      (PyTorch 1.13's kernels: benchmarks/pool_pytorch.py)
import dev.torch4j.nn.F;
import dev.torch4j.tensor.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.Locale;

public class PoolProbe {
    static double tm(Runnable f) {
        int n = 200;
        for (int i = 0; i < 20; i++) try (PointerScope s = new PointerScope()) { f.run(); }
        double[] t = new double[n];
        for (int i = 0; i < n; i++) try (PointerScope s = new PointerScope()) { long t0 = System.nanoTime(); f.run(); t[i] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t);
        return t[n / 2];
    }

    public static void main(String[] args) {
        Torch.init();
        torch.set_num_threads(2);
        long[] k = {2, 2}, zero = {0, 0}, one = {1, 1};
        // s1-a/b (28x28 same), s1-c (24x24 valid), s2-flat/gap (26x26, 11x11 at batch 64)
        long[][] shapes = {{100, 16, 28, 28}, {100, 32, 14, 14}, {100, 16, 24, 24}, {100, 32, 8, 8}, {64, 32, 26, 26}, {64, 64, 11, 11}};
        System.out.println("shape | max fwd: libtorch NCHW, libtorch NHWC, torch4j | max fwd+bwd: libtorch, torch4j | avg fwd+bwd: libtorch, torch4j (ms)");
        for (long[] sh : shapes) {
            Tensor x = torch.relu(torch.randn(sh));
            x.requires_grad_(true);
            Tensor xcl = x.detach().contiguous(torch.MemoryFormat.ChannelsLast);
            Tensor g = torch.randn(sh[0], sh[1], sh[2] / 2, sh[3] / 2);
            dev.torch4j.tensor.Tensor tx = dev.torch4j.tensor.Tensor.wrap(x);
            double maxF, maxCl, maxT, maxFb, maxTb, avgFb, avgTb;
            try (var off = Torch.noGrad()) {
                maxF = tm(() -> torch.max_pool2d(x, k, k, zero, one, false));
                maxCl = tm(() -> torch.max_pool2d(xcl, k, k, zero, one, false));
                maxT = tm(() -> F.maxPool2d(tx, k, k, zero, one, false).close());
            }
            maxFb = tm(() -> torch.max_pool2d(x, k, k, zero, one, false).mul(g).sum().backward());
            maxTb = tm(() -> F.maxPool2d(tx, k, k, zero, one, false).handle().mul(g).sum().backward());
            avgFb = tm(() -> torch.avg_pool2d(x, k, k, zero, false, true, new LongOptional()).mul(g).sum().backward());
            avgTb = tm(() -> F.avgPool2d(tx, k, k, zero, false, true).handle().mul(g).sum().backward());
            System.out.printf(Locale.ROOT, "%s | %.3f %.3f %.3f | %.3f %.3f | %.3f %.3f%n", Arrays.toString(sh), maxF, maxCl, maxT, maxFb, maxTb, avgFb, avgTb);
        }
    }
}
