package dev.torch4j.tensor;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Tensors made outside any Scope do not pile up until the heap happens to fill: their bytes ask for collections. */
class UnscopedMemoryTest {
    @Test void unscopedTensorsAreCollectedAsTheirBytesAddUp() throws Exception {
        Torch.init();
        long before = Torch.unscopedCollections(), rssBefore = Pointer.physicalBytes(), peak = 0;
        Thread t = new Thread(() -> {
            for (int i = 0; i < 120; i++) Tensor.zeros(2, 1024, 1024).add(1).sum(); // 8 MB twice per round, all garbage
        });
        long[] seen = new long[1];
        Thread watch = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                seen[0] = Math.max(seen[0], Pointer.physicalBytes());
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watch.start();
        t.start();
        t.join();
        watch.interrupt();
        watch.join();
        peak = seen[0];
        // ~1.9 GB made without a scope: at least 7 collections asked for at 256 MiB each
        assertThat(Torch.unscopedCollections() - before).isGreaterThanOrEqualTo(7);
        // and the process never held more than a fraction of it (without the guard it holds most of it)
        assertThat(peak - rssBefore).as("growth of physical memory").isLessThan(1000L << 20);
        // tensors inside a scope are not counted
        long mid = Torch.unscopedCollections();
        try (Scope s = Scope.open()) {
            for (int i = 0; i < 40; i++) Tensor.zeros(2, 1024, 1024).add(1);
        }
        assertThat(Torch.unscopedCollections()).isEqualTo(mid);
    }
}
