package dev.torch4j.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Batches of a dataset, in order or shuffled (a new order each epoch, fixed by the seed and the epoch).
 * Iterate inside a {@code Scope} per step so that each batch is released with it.
 */
public final class DataLoader implements Iterable<Batch> {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle, dropLast;
    private final long seed;
    private int epoch;

    private DataLoader(Dataset dataset, int batchSize, boolean shuffle, long seed, boolean dropLast) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
    }

    /** Sequential batches (seed 004 iterates without shuffling). */
    public static DataLoader sequential(Dataset dataset, int batchSize) {
        return new DataLoader(dataset, batchSize, false, 0, false);
    }

    /** Shuffled batches; the order depends only on (seed, epoch). */
    public static DataLoader shuffled(Dataset dataset, int batchSize, long seed) {
        return new DataLoader(dataset, batchSize, true, seed, false);
    }

    /** The same loader without the last, smaller batch. */
    public DataLoader dropLast() {
        return new DataLoader(dataset, batchSize, shuffle, seed, true);
    }

    public Dataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch. */
    public long batches() {
        long n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Selects the epoch whose order the next iteration uses. */
    public DataLoader epoch(int e) {
        epoch = e;
        return this;
    }

    /** The sample order of the current epoch. */
    long[] order() {
        int n = Math.toIntExact(dataset.size());
        long[] order = new long[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (shuffle) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                long t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    @Override public Iterator<Batch> iterator() {
        long[] order = order();
        long count = batches();
        return new Iterator<>() {
            private long next;

            @Override public boolean hasNext() {
                return next < count;
            }

            @Override public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int from = Math.toIntExact(next * batchSize), to = Math.min(order.length, from + batchSize);
                next++;
                return dataset.get(java.util.Arrays.copyOfRange(order, from, to));
            }
        };
    }
}
