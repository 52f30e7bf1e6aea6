// Forward+backward of one convolution layer of the seed models, four ways, 2 threads, ms per call (median of 100 calls
// after 10; of 15 after 2 where one call takes over 20 ms): oneDNN (torch.conv2d's choice on the CPU), libtorch's own
// im2col + GEMM path (thnn_conv2d), im2col + one batched matmul, and, for the stride-2 layers, a stride-1 2x2 convolution
// over the space-to-depth of the padded input (all four give the same output to float rounding: "max diff").
// Question asked: can any formulation beat oneDNN 3.x on s0-cnn's and s0-catdog's small stride-2 layers? PyTorch 1.13's
// side: benchmarks/conv_impl_pytorch.py.   java -cp 'target/classes:target/lib/*' benchmarks/ConvImplProbe.java [ROUNDS]
import org.bytedeco.javacpp.*;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class ConvImplProbe {
    static final int N = 100;
    static double tm(Runnable f) {
        long w0 = System.nanoTime();
        try (PointerScope s = new PointerScope()) { f.run(); }
        boolean slow = System.nanoTime() - w0 > 20_000_000L;
        for (int i = 0; i < (slow ? 1 : 9); i++) try (PointerScope s = new PointerScope()) { f.run(); }
        int n = slow ? 15 : N;
        double[] t = new double[n];
        for (int i = 0; i < n; i++) try (PointerScope s = new PointerScope()) { long t0 = System.nanoTime(); f.run(); t[i] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t); return t[n / 2];
    }
    // model, batch, in, out, side, kernel, stride, padding
    static final Object[][] LAYERS = {
        {"s0-cnn", 512, 1, 4, 28, 3, 2, 1}, {"s0-cnn", 512, 4, 8, 14, 3, 2, 1}, {"s0-cnn", 512, 8, 16, 7, 3, 2, 1},
        {"s0-cnn", 512, 16, 32, 4, 3, 2, 1}, {"s0-cnn", 512, 32, 64, 2, 3, 2, 1}, {"s0-cnn", 512, 64, 10, 1, 3, 2, 1},
        {"s0-catdog", 32, 3, 6, 128, 3, 2, 1}, {"s0-catdog", 32, 6, 12, 64, 3, 2, 1}, {"s0-catdog", 32, 12, 24, 32, 3, 2, 1},
        {"s0-catdog", 32, 24, 48, 16, 3, 2, 1}, {"s0-catdog", 32, 48, 96, 8, 3, 2, 1}, {"s0-catdog", 32, 96, 192, 4, 3, 2, 1},
        {"s0-catdog", 32, 192, 384, 2, 3, 2, 1}, {"s0-catdog", 32, 384, 2, 1, 3, 2, 1},
        {"s4", 128, 1, 32, 28, 3, 1, 1}, {"s4", 128, 32, 16, 28, 3, 1, 1}, {"s4", 128, 16, 8, 28, 3, 1, 1},
        {"s1-a", 100, 1, 16, 28, 5, 1, 2}, {"s1-a", 100, 16, 32, 14, 5, 1, 2},
        {"s2", 64, 1, 32, 28, 3, 1, 0}, {"s2", 64, 32, 64, 13, 3, 1, 0},
    };
    public static void main(String[] a) {
        torch.set_num_threads(2);
        int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 1;
        for (int r = 1; r <= rounds; r++)
            for (Object[] l : LAYERS) {
                int b = (Integer) l[1], ci = (Integer) l[2], co = (Integer) l[3], s = (Integer) l[4], k = (Integer) l[5], st = (Integer) l[6], p = (Integer) l[7];
                Tensor x = torch.randn(b, ci, s, s).set_requires_grad(ci > 3); // the first layer's input needs no gradient
                Tensor w = torch.randn(co, ci, k, k).mul(new Scalar(0.1)).set_requires_grad(true), bias = torch.randn(co).set_requires_grad(true);
                long[] stride = {st, st}, pad = {p, p}, dil = {1, 1}, kk = {k, k};
                Runnable dnn = () -> { Tensor y = torch.conv2d(x, w, new TensorOptional(bias), stride, pad, dil, 1); y.sum().backward(); };
                Runnable gemm = () -> { Tensor y = torch.thnn_conv2d(x, w, kk, new TensorOptional(bias), stride, pad); y.sum().backward(); };
                long oh = (s + 2 * p - k) / st + 1;
                java.util.function.Supplier<Tensor> im2col = () -> w.view(co, -1).matmul(torch.im2col(x, kk, dil, pad, stride))
                        .add(bias.view(1, co, 1)).view(b, co, oh, oh);
                Runnable cols = () -> im2col.get().sum().backward();
                // stride 2, 3x3, padding 1 as a stride-1 2x2 convolution over the 2x2 space-to-depth of the padded input
                long padded = 2 * oh + 2;
                java.util.function.Supplier<Tensor> s2d = () -> {
                    Tensor xs = torch.pixel_unshuffle(torch.constant_pad_nd(x, 1, padded - s - 1, 1, padded - s - 1), 2);
                    Tensor w2 = torch.constant_pad_nd(w, 0, 1, 0, 1).view(co, ci, 2, 2, 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(co, 4L * ci, 2, 2);
                    return torch.conv2d(xs, w2, new TensorOptional(bias), new long[] {1, 1}, new long[] {0, 0}, dil, 1);
                };
                boolean canS2d = st == 2 && k == 3 && p == 1;
                Runnable s2dRun = () -> s2d.get().sum().backward();
                double td = tm(dnn), tg = tm(gemm), tc = tm(cols), ts = canS2d ? tm(s2dRun) : Double.NaN;
                try (PointerScope sc = new PointerScope()) {
                    Tensor y1 = torch.conv2d(x, w, new TensorOptional(bias), stride, pad, dil, 1);
                    Tensor y2 = torch.thnn_conv2d(x, w, kk, new TensorOptional(bias), stride, pad);
                    double diff = Math.max(y1.sub(y2).abs().max().item_float(), y1.sub(im2col.get()).abs().max().item_float());
                    if (canS2d) diff = Math.max(diff, y1.sub(s2d.get()).abs().max().item_float());
                    System.out.printf(Locale.ROOT, "round %d %-9s b%-3d %3d->%-3d %3dx%-3d k%d s%d: onednn %7.3f  thnn %7.3f  im2col+matmul %7.3f  im2col/onednn %.2f  s2d %7.3f s2d/onednn %.2f  (max diff %.1g)%n",
                            r, l[0], b, ci, co, s, s, k, st, td, tg, tc, tc / td, ts, ts / td, diff);
                }
            }
    }
}
