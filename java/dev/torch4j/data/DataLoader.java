package dev.torch4j.data;

import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.PointerScope;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Batches of a dataset, in order or shuffled (a new order each epoch, fixed by the seed and the epoch).
 * For datasets that do real work per batch (image folders, transforms) the next batch is prepared on a
 * background thread while the current one is used ({@link #prefetch(int)} sets how many; in-memory
 * tensors are gathered when asked, which is faster than handing them across threads). A batch taken inside a {@code Scope} is released with it; one taken
 * with no Scope open (a plain for-each loop) is released when the next batch is taken or the epoch ends,
 * so keep it ({@code scope.keep}, or {@code clone()} inside a Scope) to hold it longer.
 */
public final class DataLoader implements Iterable<Batch> {
    private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "torch4j-prefetch");
        t.setDaemon(true);
        return t;
    });

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle, dropLast, pinMemory;
    private final long seed;
    private static final int AUTO = -1; // one batch ahead when the dataset is worth prefetching, else none
    private final int prefetch;
    private final int rank, worldSize;
    private int epoch;

    private DataLoader(Dataset dataset, int batchSize, boolean shuffle, long seed, boolean dropLast, int prefetch, boolean pinMemory) {
        this(dataset, batchSize, shuffle, seed, dropLast, prefetch, pinMemory, 0, 1);
    }

    private DataLoader(Dataset dataset, int batchSize, boolean shuffle, long seed, boolean dropLast, int prefetch, boolean pinMemory,
                       int rank, int worldSize) {
        dev.torch4j.config.Check.atLeast("DataLoader", "batchSize", batchSize, 1);
        this.rank = rank;
        this.worldSize = worldSize;
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
        this.prefetch = prefetch;
        this.pinMemory = pinMemory;
    }

    /** Sequential batches, in the dataset's order. */
    public static DataLoader sequential(Dataset dataset, int batchSize) {
        return new DataLoader(dataset, batchSize, false, 0, false, AUTO, false);
    }

    /** Shuffled batches; the order depends only on (seed, epoch). */
    public static DataLoader shuffled(Dataset dataset, int batchSize, long seed) {
        return new DataLoader(dataset, batchSize, true, seed, false, AUTO, false);
    }

    /** The same loader without the last, smaller batch. */
    public DataLoader dropLast(boolean on) {
        return new DataLoader(dataset, batchSize, shuffle, seed, on, prefetch, pinMemory, rank, worldSize);
    }

    /** Prepares up to {@code batches} batches ahead on a background thread; 0 loads each batch when asked. */
    public DataLoader prefetch(int batches) {
        dev.torch4j.config.Check.atLeast("DataLoader", "prefetch", batches, 0);
        return new DataLoader(dataset, batchSize, shuffle, seed, dropLast, batches, pinMemory, rank, worldSize);
    }

    /**
     * Puts batches in page-locked memory when CUDA is available, so that copies to the GPU are faster and
     * can overlap with compute (PyTorch's {@code pin_memory=True}); without CUDA it changes nothing.
     */
    public DataLoader pinMemory(boolean on) {
        return new DataLoader(dataset, batchSize, shuffle, seed, dropLast, prefetch, on, rank, worldSize);
    }

    /**
     * This process's share of every epoch in a data-parallel run of {@code worldSize} processes (PyTorch's
     * {@code DistributedSampler}): the epoch's order (shuffled by seed and epoch, the same on every rank) is padded
     * by repeating its start to a multiple of {@code worldSize}, and rank {@code r} takes every {@code worldSize}-th
     * sample from position {@code r}. Every rank then has the same number of batches, and batch {@code k} of all ranks
     * together is batch {@code k} of an unsharded loader with {@code worldSize} times the batch size.
     */
    public DataLoader shard(int rank, int worldSize) {
        dev.torch4j.config.Check.atLeast("DataLoader", "shard worldSize", worldSize, 1);
        dev.torch4j.config.Check.between("DataLoader", "shard rank", rank, 0, worldSize - 1);
        return new DataLoader(dataset, batchSize, shuffle, seed, dropLast, prefetch, pinMemory, rank, worldSize);
    }

    public Dataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Samples per epoch for this loader: the whole dataset, or this rank's share of it. */
    public long samples() {
        long n = dataset.size();
        return worldSize == 1 ? n : (n + worldSize - 1) / worldSize;
    }

    /** Batches per epoch. */
    public long batches() {
        long n = samples();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Selects the epoch whose order (and random transforms) the next iteration uses. */
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
        if (worldSize == 1) return order;
        long[] share = new long[Math.toIntExact(samples())];
        for (int i = 0; i < share.length; i++) share[i] = order[(int) ((rank + (long) i * worldSize) % n)];
        return share;
    }

    private Batch load(long[] order, long k) {
        int from = Math.toIntExact(k * batchSize), to = Math.min(order.length, from + batchSize);
        Batch b = dataset.get(Arrays.copyOfRange(order, from, to));
        if (pinMemory && Device.cudaAvailable()) {
            b = new Batch(Tensor.wrap(b.inputs().handle().pin_memory()), Tensor.wrap(b.targets().handle().pin_memory()));
        }
        return b;
    }

    /** How many batches are prepared ahead: as set, or by default 1 for datasets worth prefetching, else 0. */
    public int prefetchDepth() {
        return prefetch != AUTO ? prefetch : dataset.worthPrefetching() ? 1 : 0;
    }

    @Override public Iterator<Batch> iterator() {
        return iterator(0);
    }

    /**
     * The current epoch's batches from batch {@code firstBatch} on (the earlier ones are not loaded): where a resumed
     * run continues in the middle of an epoch.
     */
    public Iterator<Batch> iterator(long firstBatch) {
        if (firstBatch < 0 || firstBatch > batches()) throw new IllegalArgumentException("first batch must be in [0, " + batches() + "], got " + firstBatch);
        dataset.setEpoch(epoch);
        long[] order = order();
        long count = batches();
        int prefetch = prefetchDepth();
        if (prefetch == 0) {
            return new Iterator<>() {
                private final Lent lent = new Lent();
                private long next = firstBatch;

                @Override public boolean hasNext() {
                    if (next < count) return true;
                    lent.giveBack();
                    return false;
                }

                @Override public Batch next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    lent.giveBack();
                    Batch b = load(order, next++);
                    if (PointerScope.getInnerScope() == null) {
                        b.inputs().handle().retainReference();
                        b.targets().handle().retainReference();
                        lent.batch = b;
                    }
                    return b;
                }
            };
        }
        return new Iterator<>() {
            private final ArrayDeque<Future<Batch>> ahead = new ArrayDeque<>();
            private final Lent lent = new Lent();
            private long submitted = firstBatch, delivered = firstBatch;

            private void fill() {
                while (submitted < count && ahead.size() < prefetch) {
                    long k = submitted++;
                    ahead.add(BACKGROUND.submit(() -> {
                        try (Scope s = Scope.open()) { // kept tensors are handed to the caller's scope in next()
                            Batch b = load(order, k);
                            s.keep(b.inputs());
                            s.keep(b.targets());
                            return b;
                        }
                    }));
                }
            }

            @Override public boolean hasNext() {
                if (delivered < count) return true;
                lent.giveBack();
                return false;
            }

            @Override public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                lent.giveBack();
                fill();
                Future<Batch> f = ahead.poll();
                delivered++;
                fill(); // start the next batch before this one is used
                Batch b;
                try {
                    b = f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while loading a batch", e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    if (e.getCause() instanceof Error err) throw err;
                    throw new IllegalStateException(e.getCause());
                }
                if (PointerScope.getInnerScope() == null) {
                    lent.batch = b; // holds the reference the background scope kept
                    return b;
                }
                return new Batch(Scope.adopt(b.inputs()), Scope.adopt(b.targets()));
            }
        };
    }

    /**
     * A batch handed out while no Scope was open (the usual for-each loop): the iterator holds it and
     * releases it when the next batch is taken or the epoch ends, as Python frees the previous batch of
     * {@code for x, y in loader}. Without this, each batch would wait for the GC and memory would grow.
     */
    private static final class Lent {
        Batch batch;

        void giveBack() {
            if (batch == null) return;
            batch.inputs().handle().releaseReference();
            batch.targets().handle().releaseReference();
            batch = null;
        }
    }
}
