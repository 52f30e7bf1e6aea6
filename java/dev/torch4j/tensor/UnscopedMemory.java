package dev.torch4j.tensor;

import org.bytedeco.javacpp.PointerScope;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps code that never opens a {@link Scope} from running away with native memory. A tensor made outside any scope
 * is freed only when the GC collects its small Java wrapper, and a heap with room to spare may not collect for a
 * long time while gigabytes of tensors wait (8 threads calling a model: 1.8 to 9.9 GB in 20 s). So the bytes of
 * tensors made outside a scope are counted, and every {@code torch4j.unscopedGcBytes} (256 MiB by default; 0 turns
 * this off) a collection is asked for, which frees the garbage among them. Inside a scope nothing is counted.
 */
final class UnscopedMemory {
    private static final long LIMIT = Long.getLong("torch4j.unscopedGcBytes", 256L << 20);
    private static final AtomicLong SINCE_GC = new AtomicLong();
    private static final AtomicLong COLLECTIONS = new AtomicLong();

    private UnscopedMemory() {}

    /** Called for every tensor torch4j wraps. */
    static void created(org.bytedeco.pytorch.Tensor t) {
        if (LIMIT <= 0 || PointerScope.getInnerScope() != null || t == null || t.isNull() || !t.defined()) return;
        long total = SINCE_GC.addAndGet(t.nbytes());
        if (total >= LIMIT && SINCE_GC.compareAndSet(total, 0)) { // one thread asks; the others go on
            COLLECTIONS.incrementAndGet();
            System.gc();
        }
    }

    /** How many collections this has asked for (for tests and benchmarks). */
    static long collections() {
        return COLLECTIONS.get();
    }
}
