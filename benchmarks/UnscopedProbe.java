// Native memory of a service that never opens a Scope: java -cp target/classes:target/lib/* benchmarks/UnscopedProbe.java MODE SECONDS [THREADS]
// MODE scoped: each forward in a Scope; unscoped: none (the obvious code). 8 threads call a ResNet18 (eval, no grad) on
// 1x3x224x224 inputs for SECONDS; prints RSS every 5 s and the peak. Run unscoped with -Dtorch4j.unscopedGcBytes=0 to
// see it without torch4j's guard.
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import dev.torch4j.vision.ResNet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

public class UnscopedProbe {
    static long rssMb() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) if (l.startsWith("VmRSS")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
        return -1;
    }

    public static void main(String[] a) throws Exception {
        boolean scoped = a[0].equals("scoped");
        long seconds = Long.parseLong(a[1]);
        int threads = a.length > 2 ? Integer.parseInt(a[2]) : 8;
        Torch.setThreads(1);
        Layer model = ResNet.resnet18(1000);
        model.train(false);
        AtomicLong calls = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                while (System.nanoTime() < end) {
                    if (scoped) {
                        try (Scope s = Scope.open(); Torch.NoGrad g = Torch.noGrad()) {
                            model.call(Tensor.randn(1, 3, 224, 224)).argmax(1);
                        }
                    } else {
                        try (Torch.NoGrad g = Torch.noGrad()) {
                            model.call(Tensor.randn(1, 3, 224, 224)).argmax(1);
                        }
                    }
                    calls.incrementAndGet();
                }
            });
            workers[t].start();
        }
        long peak = 0, start = System.nanoTime();
        while (System.nanoTime() < end) {
            Thread.sleep(1000);
            long r = rssMb();
            peak = Math.max(peak, r);
            long at = (System.nanoTime() - start) / 1_000_000_000L;
            if (at % 5 == 0) System.out.printf("%s t=%ds rss %d MB calls %d%n", a[0], at, r, calls.get());
        }
        for (Thread w : workers) w.join();
        System.out.printf("%s %d threads %d s: %d calls, peak RSS %d MB, collections asked %d%n", a[0], threads, seconds, calls.get(), peak,
                Torch.unscopedCollections());
    }
}
