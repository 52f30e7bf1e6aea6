// s0-cnn: the input gradient of each stride-2 conv layer as oneDNN computes it (convolution_backward) against a stride-1
// convolution over the output gradient with zeros inserted (the dilated form), at batch 512, 2 threads.
//   java -cp 'target/classes:target/lib/*' benchmarks/DilatedGradProbe.java
import org.bytedeco.javacpp.*;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class DilatedGradProbe {
    static final int N = 150;
    static double tm(Runnable f) {
        for (int i = 0; i < 10; i++) try (PointerScope s = new PointerScope()) { f.run(); }
        double[] t = new double[N];
        for (int i = 0; i < N; i++) try (PointerScope s = new PointerScope()) { long t0 = System.nanoTime(); f.run(); t[i] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t); return t[N / 2];
    }
    // grad wrt input of a 3x3 stride-2 pad-1 conv, as a stride-1 conv over gy with zeros inserted
    static Tensor viaForward(Tensor gy, Tensor w, int s) {
        long B = gy.size(0), co = gy.size(1), o = gy.size(2);
        // dilated gy of size (2*o-1) padded to s+2 : position 1+2*oy holds gy[oy]; pad so that output is s x s
        long p = s + 2; // conv 3x3 stride 1 no padding over p x p gives s x s
        Tensor z = torch.zeros(new long[] {B, co, p, p});
        // z[:, :, 1::2, 1::2][:o,:o] = gy   (input row iy = 2*oy - 1 + ky  ->  z index iy+1 = 2*oy + ky; flip: z[2oy+1])
        Tensor view = z.as_strided(new long[] {B, co, o, o}, new long[] {co * p * p, p * p, 2 * p, 2}, new LongOptional(p + 1));
        view.copy_(gy);
        Tensor wf = w.flip(2, 3).transpose(0, 1).contiguous();
        return torch.conv2d(z, wf, new TensorOptional(), new long[] {1, 1}, new long[] {0, 0}, new long[] {1, 1}, 1);
    }
    public static void main(String[] a) {
        torch.set_num_threads(2);
        int B = 512;
        int[][] layers = {{4,8,14},{8,16,7},{16,32,4},{32,64,2},{64,10,1}};
        double[] sum = new double[6];
        for (int r = 0; r < 2; r++)
        for (int i = 0; i < layers.length; i++) {
            int ci = layers[i][0], co = layers[i][1], s = layers[i][2];
            Tensor x = torch.randn(B, ci, s, s), w = torch.randn(co, ci, 3, 3), b = torch.randn(co);
            long[] st = {2, 2}, pad = {1, 1}, dil = {1, 1};
            Tensor y = torch.conv2d(x, w, new TensorOptional(b), st, pad, dil, 1);
            Tensor gy = torch.randn_like(y);
            BoolPointer all = new BoolPointer(3); all.put(0, true); all.put(1, true); all.put(2, true);
            BoolPointer wb = new BoolPointer(3); wb.put(0, false); wb.put(1, true); wb.put(2, true);
            double full = tm(() -> torch.convolution_backward(gy, x, w, new long[] {co}, st, pad, dil, false, new long[] {0, 0}, 1, all));
            double wOnly = tm(() -> torch.convolution_backward(gy, x, w, new long[] {co}, st, pad, dil, false, new long[] {0, 0}, 1, wb));
            double fw = tm(() -> viaForward(gy, w, s));
            Tensor gx1 = torch.convolution_backward(gy, x, w, new long[] {co}, st, pad, dil, false, new long[] {0, 0}, 1, all).get0();
            Tensor gx2 = viaForward(gy, w, s);
            double diff = gx1.sub(gx2).abs().max().item_float();
            if (r == 1) { sum[0] += full; sum[1] += wOnly; sum[2] += fw; }
            System.out.printf(Locale.ROOT, "layer %d->%d %dx%d: bwd full %.3f | w+b only %.3f + via forward %.3f (max diff %.2g)%n", ci, co, s, s, full, wOnly, fw, diff);
        }
        System.out.printf(Locale.ROOT, "sum: full %.3f  w+b %.3f + fwd %.3f = %.3f%n", sum[0], sum[1], sum[2], sum[1] + sum[2]);
    }
}
