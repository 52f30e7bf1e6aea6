package dev.torch4j.data;

import dev.torch4j.tensor.Tensor;

/**
 * A dataset whose inputs (images as uint8 or float32 in [0, 1], [N, H, W] or [N, C, H, W]) go through a
 * {@link Pipeline} on every access: new random parameters each epoch, the same ones for the same
 * (seed, epoch, index). Targets pass through unchanged.
 */
public final class TransformedDataset implements Dataset {
    private final Dataset base;
    private final Pipeline pipeline;
    private final long seed;
    private volatile int epoch;

    public TransformedDataset(Dataset base, Pipeline pipeline, long seed) {
        this.base = base;
        this.pipeline = pipeline;
        this.seed = seed;
    }

    @Override public long size() {
        return base.size();
    }

    @Override public boolean worthPrefetching() {
        return true;
    }

    @Override public void setEpoch(int e) {
        epoch = e;
        base.setEpoch(e);
    }

    @Override public Batch get(long[] indices) {
        Batch b = base.get(indices);
        long[] seeds = new long[indices.length];
        for (int i = 0; i < indices.length; i++) seeds[i] = Pipeline.sampleSeed(seed, epoch, indices[i]);
        Tensor x = pipeline.apply(b.inputs(), seeds, 0);
        return new Batch(x, b.targets());
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    @Override public String toString() {
        return "TransformedDataset(" + base + ", " + pipeline + ")";
    }
}
