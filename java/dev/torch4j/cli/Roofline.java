package dev.torch4j.cli;

import dev.torch4j.nn.Conv2d;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.Summary;
import dev.torch4j.recipes.SeedModels;
import dev.torch4j.tensor.MemoryFormat;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench --roofline}: each seed convolutional model's training step, and ResNet18/VGG16's at 224x224, as achieved
 * GFLOP/s beside the machine's convolution peak measured first, in both memory layouts, so the gap to the limit shows.
 * A training step is counted as 3 forward passes of FLOPs (forward, and backward's two products), 2 FLOPs per
 * multiply-add as torchinfo counts them.
 */
final class Roofline {
    private Roofline() {}

    record Row(String model, int batch, int steps) {}

    static final List<Row> ROWS = List.of(new Row("s0-cnn", 64, 40), new Row("s1-a", 64, 20), new Row("s1-c", 64, 20),
            new Row("s2-gap", 64, 20), new Row("s3-lenet", 64, 40), new Row("s4-sgd", 64, 20), new Row("s0-catdog", 32, 8),
            new Row("s2-cat", 32, 5), new Row("resnet18", 16, 3), new Row("vgg16", 16, 2));

    /** The machine's convolution peak: a 3x3 convolution 64 -> 128 channels at 37x37, batch 32, forward, best layout. */
    static double peakGflops(int repeats) {
        long macs = 32L * 128 * 35 * 35 * 64 * 9;
        double best = 0;
        for (MemoryFormat f : MemoryFormat.values()) {
            Torch.manualSeed(0);
            Layer conv = Conv2d.of(64, 128, 3).to(f);
            try (Scope s = Scope.open(); Torch.NoGrad g = Torch.noGrad()) {
                Tensor x = Tensor.randn(32, 64, 37, 37).contiguous(f);
                double[] t = new double[repeats];
                for (int i = 0; i < repeats + 2; i++) {
                    long t0 = System.nanoTime();
                    try (Scope step = Scope.open()) {
                        conv.call(x);
                    }
                    if (i >= 2) t[i - 2] = (System.nanoTime() - t0) / 1e9;
                }
                best = Math.max(best, 2.0 * macs / Bench.median(t) / 1e9);
            }
        }
        return best;
    }

    static void print(PrintStream out, List<Row> rows) {
        double peak = peakGflops(10);
        out.printf(Locale.ROOT, "convolution peak: %.0f GFLOP/s (3x3 conv 64->128 at 37x37, batch 32, forward, best layout, %d threads)%n",
                peak, Torch.threads());
        out.printf(Locale.ROOT, "%-10s %5s %10s | %13s %8s %6s | %13s %8s %6s%n", "model", "batch", "GFLOP/step",
                "contiguous ms", "GFLOP/s", "%peak", "ch.-last ms", "GFLOP/s", "%peak");
        for (Row r : rows) {
            SeedModels.Entry e = Main.modelEntry(r.model());
            long[] one = e.inputShape().clone();
            one[0] = 1;
            double gflop;
            try (Layer m = e.create()) {
                gflop = 6.0 * Summary.of(m, one).multAdds() * r.batch() / 1e9;
            }
            double[] ms = new double[2];
            for (MemoryFormat f : MemoryFormat.values()) {
                try (Layer m = e.create()) {
                    m.to(f);
                    ms[f.ordinal()] = Bench.median(Bench.run(m, e.inputShape(), r.batch(), r.steps(), 2, 0.01));
                }
            }
            out.printf(Locale.ROOT, "%-10s %5d %10.2f | %13.1f %8.1f %5.1f%% | %13.1f %8.1f %5.1f%%%n", r.model(), r.batch(), gflop,
                    ms[0], gflop / (ms[0] / 1e3), 100 * gflop / (ms[0] / 1e3) / peak, ms[1], gflop / (ms[1] / 1e3), 100 * gflop / (ms[1] / 1e3) / peak);
        }
    }
}
