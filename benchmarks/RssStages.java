// Where an MNIST-type recipe's memory goes: java -cp target/classes:target/lib/* benchmarks/RssStages.java
// Prints RSS (and the high-water mark) after each stage of seed 003's LeNet recipe on the full Fashion-MNIST:
// JVM start, libtorch loaded, first forward/backward, data read (kept as bytes), normalisation statistics, one
// epoch of training, test evaluation; then the JVM's own view (heap in use, committed).
import dev.torch4j.data.*;
import dev.torch4j.optim.Adam;
import dev.torch4j.recipes.LeNet;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;

import java.nio.file.*;

public class RssStages {
    static void at(String stage) throws Exception {
        long rss = 0, hwm = 0;
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS")) rss = Long.parseLong(l.replaceAll("\\D", "")) / 1024;
            if (l.startsWith("VmHWM")) hwm = Long.parseLong(l.replaceAll("\\D", "")) / 1024;
        }
        Runtime r = Runtime.getRuntime();
        System.out.printf("%-28s RSS %4d MiB (peak %4d)   heap used %3d MiB of %4d committed%n", stage, rss, hwm,
                (r.totalMemory() - r.freeMemory()) >> 20, r.totalMemory() >> 20);
    }

    public static void main(String[] a) throws Exception {
        at("JVM started");
        Torch.init();
        Torch.setThreads(2);
        at("libtorch loaded");
        try (Scope s = Scope.open()) {
            new LeNet().call(Tensor.randn(64, 1, 28, 28)).sum().backward();
        }
        at("first forward/backward");
        MnistData d = FashionMnist.load(Path.of("/usr/share/datasets/fashion-mnist"));
        at("data read (bytes)");
        Normalization n = Normalization.fromData(d.train(null));
        at("normalisation statistics");
        dev.torch4j.nn.Layer m = Generator.seeded(42).call(LeNet::new);
        Trainer t = Trainer.of(m).optimizer(Adam.of(1e-3)).epochs(1).batchSize(64).seed(42).quiet(true);
        t.fit(d.train(n), null);
        at("one epoch trained");
        t.evaluate(d.test(n));
        at("test set evaluated");
    }
}
