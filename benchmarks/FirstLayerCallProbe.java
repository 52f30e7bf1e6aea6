// s0-catdog's first layer (Conv2d 3->6, 3x3, stride 2, padding 1, batch 32 at 128x128) as a model calls it: forward
// without and with a graph, and the backward alone of sum(y * g), median of 300 (microseconds). Run it with
// -Dtorch4j.fewChannelConv=false for libtorch's own convolution node, or against an older jar.
//   java -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp 'target/classes:target/lib/*' benchmarks/FirstLayerCallProbe.java
import dev.torch4j.nn.*;
import dev.torch4j.tensor.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class FirstLayerCallProbe {
    public static void main(String[] a) {
        Torch.setThreads(2);
        Conv2d c = Conv2d.of(3, 6, 3).stride(2).padding(1);
        Tensor x = Tensor.randn(32, 3, 128, 128), g = Tensor.randn(32, 6, 64, 64);
        int N = 300; double[][] t = new double[3][N];
        for (int i = -30; i < N; i++) {
            for (int k = 0; k < 3; k++) {
                try (Scope s = Scope.open()) {
                    long t0 = System.nanoTime();
                    if (k == 0) { try (Torch.NoGrad ng = Torch.noGrad()) { c.call(x); } }
                    else if (k == 1) c.call(x);
                    else { Tensor l = c.call(x).mul(g).sum(); t0 = System.nanoTime(); l.backward(); }
                    if (i >= 0) t[k][i] = (System.nanoTime() - t0) / 1e3;
                }
            }
        }
        String[] n = {"forward, no graph", "forward with graph", "backward alone"};
        for (int k = 0; k < 3; k++) { Arrays.sort(t[k]); System.out.printf("%s: %.0f us%n", n[k], t[k][N / 2]); }
    }
}
