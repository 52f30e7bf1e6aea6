// Where does channels-last pay? One convolution layer (3x3, padding 1, stride 1 or 2) + ReLU, forward and backward
// (input gradient included), all contiguous against all channels-last (weights, input, output gradient: a layer inside a
// channels-last model), over a grid of channel counts and image
// sizes, 2 threads, batch sized so every cell does about the same work. Interleaved per cell, median of STEPS.
//   java -cp 'target/classes:target/lib/*' benchmarks/LayoutGrid.java STEPS ROUNDS
// Prints one line per cell and round: channels, size, stride, batch, contiguous ms, channels-last ms, ratio.
import dev.torch4j.nn.*;
import dev.torch4j.tensor.*;

import java.util.Arrays;
import java.util.Locale;

public class LayoutGrid {
    public static void main(String[] a) {
        int steps = Integer.parseInt(a[0]), rounds = Integer.parseInt(a[1]);
        Torch.setThreads(2);
        int[] channels = {4, 8, 16, 32, 64, 128, 256};
        int[] sizes = {7, 14, 28, 56, 112};
        for (int r = 0; r < rounds; r++) {
            for (int stride : new int[] {1, 2}) for (int c : channels) for (int s : sizes) {
                double macs = (double) s * s / (stride * stride) * c * c * 9; // per sample
                int batch = (int) Math.max(2, Math.min(512, Math.round(2e8 / macs)));
                double[] ms = new double[2];
                for (int v = 0; v < 2; v++) {
                    MemoryFormat f = v == 0 ? MemoryFormat.CONTIGUOUS : MemoryFormat.CHANNELS_LAST;
                    Torch.manualSeed(0);
                    Layer m = Sequential.of(Conv2d.of(c, c, 3).stride(stride).padding(1), ReLU.of()).to(f);
                    Tensor x = Tensor.randn(batch, c, s, s).contiguous(f).requiresGrad(true);
                    Tensor g = Tensor.randn(batch, c, (s + 2 - 3) / stride + 1, (s + 2 - 3) / stride + 1).contiguous(f);
                    double[] t = new double[steps];
                    for (int i = 0; i < steps + 3; i++) {
                        long t0 = System.nanoTime();
                        try (Scope sc = Scope.open()) {
                            m.call(x).mul(g).sum().backward();
                        }
                        if (i >= 3) t[i - 3] = (System.nanoTime() - t0) / 1e6;
                        for (Tensor p : m.parameters()) p.clearGrad();
                        x.clearGrad();
                    }
                    Arrays.sort(t);
                    ms[v] = t[steps / 2];
                }
                System.out.printf(Locale.ROOT, "round %d channels %d size %d stride %d batch %d contiguous %.3f channels-last %.3f ratio %.3f%n",
                        r, c, s, stride, batch, ms[0], ms[1], ms[1] / ms[0]);
            }
        }
    }
}
