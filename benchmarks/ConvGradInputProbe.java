// The input gradient of the seed models' stride-2 convolutions: libtorch 2.10's (oneDNN) against the shim's
// t4j_conv2d_grad_input_f32, and the whole backward (libtorch's three gradients in one call against the shim's input
// gradient plus libtorch's weight and bias gradients), alternating call by call, median ms of STEPS calls, 2 threads, and the largest
// difference relative to the largest value of libtorch's result.
//   java -cp 'target/classes:target/lib/*' benchmarks/ConvGradInputProbe.java [ROUNDS] [STEPS] [MODEL]
import dev.torch4j.shim.Shim;
import org.bytedeco.javacpp.*;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class ConvGradInputProbe {
    public static void main(String[] a) {
        torch.set_num_threads(2);
        int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 2, steps = a.length > 1 ? Integer.parseInt(a[1]) : 100;
        // model, batch, in, out, side (3x3, stride 2, padding 1)
        Object[][] layers = {
            {"s0-cnn", 512, 4, 8, 14}, {"s0-cnn", 512, 8, 16, 7}, {"s0-cnn", 512, 16, 32, 4}, {"s0-cnn", 512, 32, 64, 2},
            {"s0-cnn", 512, 64, 10, 1},
            {"s0-catdog", 32, 6, 12, 64}, {"s0-catdog", 32, 12, 24, 32}, {"s0-catdog", 32, 24, 48, 16},
            {"s0-catdog", 32, 48, 96, 8}, {"s0-catdog", 32, 96, 192, 4}, {"s0-catdog", 32, 192, 384, 2},
            {"s0-catdog", 32, 384, 2, 1},
            {"resnet18", 8, 64, 128, 56}, {"resnet18", 8, 128, 256, 28}}; // layer2.0.conv1, layer3.0.conv1 at 224x224
        for (int r = 1; r <= rounds; r++) for (Object[] l : layers) {
            if (a.length > 2 && !a[2].equals(l[0])) continue;
            int n = (int) l[1], ci = (int) l[2], co = (int) l[3], s = (int) l[4], os = (s - 1) / 2 + 1;
            Tensor x = torch.randn(n, ci, s, s), w = torch.randn(co, ci, 3, 3);
            Tensor gy = torch.randn(n, co, os, os), gx = torch.empty(n, ci, s, s);
            long[] st = {2, 2}, pad = {1, 1}, dil = {1, 1};
            BoolPointer mask = new BoolPointer(3); mask.put(0, true); mask.put(1, false); mask.put(2, false);
            long[] geo = {n, ci, s, s, co, 3, 3, os, os, 2, 2, 1, 1};
            double[] tl = new double[steps], ts = new double[steps], fl = new double[steps], fs = new double[steps];
            BoolPointer all = new BoolPointer(3); all.put(0, true); all.put(1, true); all.put(2, true);
            BoolPointer wb = new BoolPointer(3); wb.put(0, false); wb.put(1, true); wb.put(2, true);
            Tensor ref = null;
            for (int i = -10; i < steps; i++) {
                try (PointerScope ps = new PointerScope()) {
                    long t0 = System.nanoTime();
                    Tensor g = torch.convolution_backward(gy, x, w, new long[] {co}, st, pad, dil, false, new long[] {0, 0}, 1, mask).get0().clone();
                    long t1 = System.nanoTime();
                    if (!Shim.conv2dGradInput(gy.data_ptr(), w.data_ptr(), gx.data_ptr(), geo, 2)) throw new IllegalStateException("shim refused");
                    long t2 = System.nanoTime();
                    // the whole backward: libtorch's three gradients in one call, against the shim's input gradient plus
                    // libtorch's weight and bias gradients (what NativeConvGrad's post-hook does)
                    torch.convolution_backward(gy, x, w, new long[] {co}, st, pad, dil, false, new long[] {0, 0}, 1, all).get0().clone();
                    long t3 = System.nanoTime();
                    torch.convolution_backward(gy, x, w, new long[] {co}, st, pad, dil, false, new long[] {0, 0}, 1, wb).get1().clone();
                    Shim.conv2dGradInput(gy.data_ptr(), w.data_ptr(), gx.data_ptr(), geo, 2);
                    long t4 = System.nanoTime();
                    if (i >= 0) { tl[i] = (t1 - t0) / 1e6; ts[i] = (t2 - t1) / 1e6; fl[i] = (t3 - t2) / 1e6; fs[i] = (t4 - t3) / 1e6; }
                }
            }
            ref = torch.convolution_backward(gy, x, w, new long[] {co}, st, pad, dil, false, new long[] {0, 0}, 1, mask).get0().clone();
            Shim.conv2dGradInput(gy.data_ptr(), w.data_ptr(), gx.data_ptr(), geo, 2);
            double diff = torch.max(torch.abs(torch.sub(ref, gx))).item_double() / torch.max(torch.abs(ref)).item_double();
            Arrays.sort(tl); Arrays.sort(ts); Arrays.sort(fl); Arrays.sort(fs);
            System.out.printf(Locale.ROOT, "round %d %-9s b%-3d %3d->%-3d %3dx%-3d libtorch %.3f ms shim %.3f ms ratio %.2f  max diff %.1e%n",
                    r, l[0], n, ci, co, s, s, tl[steps / 2], ts[steps / 2], ts[steps / 2] / tl[steps / 2], diff);
            System.out.printf(Locale.ROOT, "round %d %-9s b%-3d %3d->%-3d %3dx%-3d whole backward: libtorch %.3f ms, shim input + libtorch weight %.3f ms, ratio %.2f%n",
                    r, l[0], n, ci, co, s, s, fl[steps / 2], fs[steps / 2], fs[steps / 2] / fl[steps / 2]);
        }
    }
}
