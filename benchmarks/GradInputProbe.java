// The input's gradient of each stride-2 3x3 (padding 1) layer of s0-cnn and s0-catdog, five ways, 2 threads, ms (median of 100
// after 10): oneDNN's backward-data, conv_transpose2d, one stride-1 2x2 convolution into 4*Cin phase channels + pixel_shuffle,
// a stride-1 3x3 convolution over the zero-dilated gradient, and matmul + col2im; with the layer's forward and weight gradient
// for scale. "diff": each form's max difference from oneDNN's.
//   java -cp 'target/classes:target/lib/*' benchmarks/GradInputProbe.java [ROUNDS]
import org.bytedeco.javacpp.*;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class GradInputProbe {
    static double tm(Runnable f) {
        for (int i = 0; i < 10; i++) try (PointerScope s = new PointerScope()) { f.run(); }
        int n = 100; double[] t = new double[n];
        for (int i = 0; i < n; i++) try (PointerScope s = new PointerScope()) { long t0 = System.nanoTime(); f.run(); t[i] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t); return t[n / 2];
    }
    static Tensor phaseWeight(Tensor w) { // (Co,Ci,3,3) -> (4Ci, Co, 2, 2)
        long co = w.size(0), ci = w.size(1);
        Tensor wt = torch.constant_pad_nd(w.permute(1, 0, 2, 3), new long[]{0, 1, 0, 1}); // (Ci,Co,4,4), tap 3 zero
        Tensor idx = torch.tensor(new long[]{1, 3, 2, 0});
        Tensor g = wt.index_select(2, idx).index_select(3, idx); // (Ci,Co,(py,dy),(px,dx))
        return g.view(ci, co, 2, 2, 2, 2).permute(0, 2, 4, 1, 3, 5).reshape(4 * ci, co, 2, 2);
    }
    public static void main(String[] a) {
        torch.set_num_threads(2);
        int[][] L = {{512, 4, 8, 14}, {512, 8, 16, 7}, {512, 16, 32, 4}, {512, 32, 64, 2}, {512, 64, 10, 1},
                     {32, 6, 12, 64}, {32, 12, 24, 32}, {32, 24, 48, 16}, {32, 48, 96, 8}, {32, 96, 192, 4}, {32, 192, 384, 2}, {32, 384, 2, 1}};
        int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 1;
        for (int r = 1; r <= rounds; r++) for (int[] l : L) {
            int b = l[0], ci = l[1], co = l[2], s = l[3];
            long oh = (s + 2 - 3) / 2 + 1;
            Tensor x = torch.randn(b, ci, s, s), w = torch.randn(co, ci, 3, 3).mul(new Scalar(0.1)), gy = torch.randn(b, co, oh, oh);
            BoolPointer mask = new BoolPointer(3); mask.put(0, true); mask.put(1, false); mask.put(2, false);
            BoolPointer maskW = new BoolPointer(3); maskW.put(0, false); maskW.put(1, true); maskW.put(2, true);
            long[] st = {2, 2}, pd = {1, 1}, dil = {1, 1}, z = {0, 0}, one = {1, 1};
            java.util.function.Supplier<Tensor> A = () -> torch.convolution_backward(gy, x, w, new long[]{co}, st, pd, dil, false, z, 1, mask).get0();
            long outPad = s - ((oh - 1) * 2 - 2 + 3);
            java.util.function.Supplier<Tensor> B = () -> torch.conv_transpose2d(gy, w, new TensorOptional(), st, pd, new long[]{outPad, outPad}, 1, 1, 1);
            java.util.function.Supplier<Tensor> C = () -> {
                Tensor wp = phaseWeight(w);
                Tensor g = torch.conv2d(torch.constant_pad_nd(gy, new long[]{0, 1, 0, 1}), wp, new TensorOptional(), one, z, dil, 1);
                Tensor full = torch.pixel_shuffle(g, 2);
                return 2 * oh == s ? full : full.slice(2, new LongOptional(0), new LongOptional(s), 1).slice(3, new LongOptional(0), new LongOptional(s), 1);
            };
            java.util.function.Supplier<Tensor> D = () -> {
                Tensor dz = torch.zeros(b, co, 2 * oh - 1, 2 * oh - 1);
                dz.slice(2, new LongOptional(0), new LongOptional(2 * oh - 1), 2).slice(3, new LongOptional(0), new LongOptional(2 * oh - 1), 2).copy_(gy);
                long extra = s - (2 * oh - 1);
                Tensor p = torch.constant_pad_nd(dz, new long[]{1, 1 + extra, 1, 1 + extra});
                return torch.conv2d(p, w.flip(2, 3).transpose(0, 1), new TensorOptional(), one, z, dil, 1);
            };
            java.util.function.Supplier<Tensor> E = () -> {
                Tensor cols = torch.matmul(w.view(co, ci * 9).t(), gy.view(b, co, oh * oh));
                return torch.col2im(cols, new long[]{s, s}, new long[]{3, 3}, dil, pd, st);
            };
            Runnable Wg = () -> torch.convolution_backward(gy, x, w, new long[]{co}, st, pd, dil, false, z, 1, maskW);
            Runnable F = () -> torch.conv2d(x, w, new TensorOptional(), st, pd, dil, 1);
            double td = tm(D::get), te = tm(E::get), ta = tm(A::get), tb = tm(B::get), tc = tm(() -> C.get().contiguous()), tw = tm(Wg), tf = tm(F);
            double db, dc;
            try (PointerScope sc = new PointerScope()) {
                Tensor ra = A.get(); db = ra.sub(B.get()).abs().max().item_float(); dc = Math.max(ra.sub(C.get()).abs().max().item_float(), Math.max(ra.sub(D.get()).abs().max().item_float(), ra.sub(E.get()).abs().max().item_float()));
            }
            System.out.printf(Locale.ROOT, "round %d b%-3d %3d->%-3d %3d: fwd %6.3f bwdW %6.3f | bwdX onednn %6.3f  convT %6.3f  phases %6.3f (%.2f) dilate %6.3f (%.2f) col2im %6.3f (%.2f) diff %.1g %.1g%n",
                r, b, ci, co, s, tf, tw, ta, tb, tc, tc / ta, td, td/ta, te, te/ta, db, dc);
        }
    }
}
