// s0-cnn's layers op by op at batch 512 through the presets: conv forward/backward, batch norm forward/backward, 2 threads.
//   java -cp 'target/classes:target/lib/*' benchmarks/OpsProbe.java [nomkldnn|cl]   (PyTorch: benchmarks/ops_pytorch.py)
import org.bytedeco.javacpp.*;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class OpsProbe {
    static final int N = 200;
    static double tm(Runnable f) {
        for (int i = 0; i < 10; i++) try (PointerScope s = new PointerScope()) { f.run(); }
        double[] t = new double[N];
        for (int i = 0; i < N; i++) try (PointerScope s = new PointerScope()) { long t0 = System.nanoTime(); f.run(); t[i] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t); return t[N / 2];
    }
    public static void main(String[] a) {
        torch.set_num_threads(2);
        if (a.length > 0 && a[0].equals("nomkldnn")) torch.globalContext().setUserEnabledMkldnn(false);
        boolean cl = a.length > 0 && a[0].equals("cl");
        int B = 512;
        int[][] layers = {{1,4,28},{4,8,14},{8,16,7},{16,32,4},{32,64,2},{64,10,1}};
        double tot = 0;
        for (int i = 0; i < layers.length; i++) {
            int ci = layers[i][0], co = layers[i][1], s = layers[i][2];
            Tensor x0 = torch.randn(B, ci, s, s), w0 = torch.randn(co, ci, 3, 3), b = torch.randn(co);
            Tensor x = cl ? x0.contiguous(torch.MemoryFormat.ChannelsLast) : x0, w = cl ? w0.contiguous(torch.MemoryFormat.ChannelsLast) : w0;
            long[] st = {2, 2}, pad = {1, 1}, dil = {1, 1};
            Tensor y = torch.conv2d(x, w, new TensorOptional(b), st, pad, dil, 1);
            Tensor gy = torch.randn_like(y);
            BoolPointer mask = new BoolPointer(3); mask.put(0, i > 0); mask.put(1, true); mask.put(2, true);
            final Tensor fx = x, fw = w;
            double f = tm(() -> torch.conv2d(fx, fw, new TensorOptional(b), st, pad, dil, 1));
            double bw = tm(() -> torch.convolution_backward(gy, fx, fw, new long[] {co}, st, pad, dil, false, new long[] {0, 0}, 1, mask));
            Tensor g = torch.ones(co), bb = torch.zeros(co), rm = torch.zeros(co), rv = torch.ones(co);
            double bnf = tm(() -> torch.native_batch_norm(y, new TensorOptional(g), new TensorOptional(bb), new TensorOptional(rm), new TensorOptional(rv), true, 0.1, 1e-5));
            T_TensorTensorTensor_T r = torch.native_batch_norm(y, new TensorOptional(g), new TensorOptional(bb), new TensorOptional(rm), new TensorOptional(rv), true, 0.1, 1e-5);
            Tensor sm = r.get1(), si = r.get2();
            BoolPointer m3 = new BoolPointer(3); m3.put(0, true); m3.put(1, true); m3.put(2, true);
            double bnb = tm(() -> torch.native_batch_norm_backward(gy, y, new TensorOptional(g), new TensorOptional(rm), new TensorOptional(rv), new TensorOptional(sm), new TensorOptional(si), true, 1e-5, m3));
            tot += f + bw + bnf + bnb;
            System.out.printf(Locale.ROOT, "layer %d %d->%d %dx%d: conv fwd %.3f bwd %.3f | bn fwd %.3f bwd %.3f ms%n", i, ci, co, s, s, f, bw, bnf, bnb);
        }
        System.out.printf(Locale.ROOT, "total %.2f ms%n", tot);
    }
}
