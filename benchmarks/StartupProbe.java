// Start-up: seconds since the JVM process started at which torch4j is ready. Compiled first by benchmarks/startup.sh (no
// source-launcher time): Torch.init() done, first LeNet forward done, first training step done (batch 64, Adam).
import dev.torch4j.nn.Layer;
import dev.torch4j.optim.Adam;
import dev.torch4j.optim.Optimizer;
import dev.torch4j.recipes.LeNet;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

public class StartupProbe {
    /** Seconds since this process started, from /proc (10 ms resolution, as for the Python side). */
    static double sinceStart() throws Exception {
        String[] stat = Files.readString(Path.of("/proc/self/stat")).split("\\) ")[1].split(" ");
        double startTicks = Double.parseDouble(stat[19]); // field 22 of /proc/PID/stat
        double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
        return uptime - startTicks / 100.0;
    }

    public static void main(String[] a) throws Exception {
        double main = sinceStart();
        long t0 = System.nanoTime();
        Torch.init();
        Torch.setThreads(2);
        double init = sinceStart(), initOnly = (System.nanoTime() - t0) / 1e9;
        Layer m = new LeNet();
        try (Scope s = Scope.open(); Torch.NoGrad g = Torch.noGrad()) {
            m.call(Tensor.randn(1, 1, 28, 28)).sum().item();
        }
        double forward = sinceStart(), initToForward = (System.nanoTime() - t0) / 1e9;
        Optimizer o = Adam.of(1e-3).on(m);
        try (Scope s = Scope.open()) {
            o.zeroGrad();
            dev.torch4j.nn.F.crossEntropy(m.call(Tensor.randn(64, 1, 28, 28)), Tensor.zeros(dev.torch4j.tensor.DType.INT64, 64)).backward();
            o.step();
        }
        double step = sinceStart();
        System.out.printf(Locale.ROOT, "torch4j: main() at %.2f s, Torch.init() done at %.2f s (%.2f s in init), first forward at %.2f s "
                + "(%.2f s after init began), first training step at %.2f s%n", main, init, initOnly, forward, initToForward, step);
    }
}
