// Serving throughput: java -cp target/classes:target/lib/* benchmarks/PredictorBench.java MODE SECONDS [CLIENTS] [MAX_BATCH] [WINDOW_MS]
// CLIENTS threads (8) each send single 3x224x224 images to a ResNet18 (random weights, eval) through one Predictor for
// SECONDS, one request after another. MODE alone: each request runs on its caller's thread; batching: requests are
// gathered (MAX_BATCH 8, WINDOW_MS 5). Prints requests/s and p50/p99 latency. benchmarks/predictor_pytorch.py is the
// same loop in PyTorch.
import dev.torch4j.inference.Predictor;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import dev.torch4j.vision.ResNet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

public class PredictorBench {
    public static void main(String[] a) throws Exception {
        String mode = a[0];
        long seconds = Long.parseLong(a[1]);
        int clients = a.length > 2 ? Integer.parseInt(a[2]) : 8;
        int maxBatch = a.length > 3 ? Integer.parseInt(a[3]) : 8;
        long window = a.length > 4 ? Long.parseLong(a[4]) : 5;
        Torch.setThreads(2);
        Layer model = ResNet.resnet18(1000);
        Predictor p = Predictor.of(model);
        if (mode.equals("batching")) p.batching(maxBatch, window);
        try (Scope s = Scope.open()) { // warm-up
            for (int i = 0; i < 3; i++) p.predict(Tensor.randn(3, 224, 224));
        }
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Thread[] ts = new Thread[clients];
        for (int c = 0; c < clients; c++) {
            ts[c] = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try (Scope s = Scope.open()) {
                        Tensor x = Tensor.randn(3, 224, 224);
                        long t0 = System.nanoTime();
                        p.predict(x).argmax(0).itemLong();
                        latencies.add((System.nanoTime() - t0) / 1e6);
                    }
                }
            });
            ts[c].start();
        }
        long start = System.nanoTime();
        for (Thread t : ts) t.join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        p.close();
        List<Double> l = new ArrayList<>(latencies);
        Collections.sort(l);
        System.out.printf(Locale.ROOT, "torch4j %s clients %d batch %d window %d ms: %d requests in %.1f s, %.2f req/s, p50 %.0f ms, p99 %.0f ms%n",
                mode, clients, mode.equals("batching") ? maxBatch : 1, mode.equals("batching") ? window : 0, l.size(), elapsed, l.size() / elapsed,
                l.get(l.size() / 2), l.get((int) Math.min(l.size() - 1, Math.round(l.size() * 0.99))));
    }
}
