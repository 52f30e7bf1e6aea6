package dev.torch4j.data;

/** A finite, indexable collection of examples. */
public interface Dataset {
    long size();

    /**
     * The examples at {@code indices}, as one batch of new tensors that the caller owns ({@link DataLoader}
     * releases them after their step); never the dataset's own stored tensors.
     */
    Batch get(long[] indices);

    /** One example, as a batch of one. */
    default Batch get(long index) {
        if (index < 0 || index >= size()) throw new IndexOutOfBoundsException("index " + index + " out of range for a dataset of " + size());
        return get(new long[] {index});
    }

    /**
     * Tells the dataset which epoch the next batches belong to, so that random transforms draw new
     * parameters each epoch (the same ones again for the same epoch). {@link DataLoader} calls it.
     */
    default void setEpoch(int epoch) {}

    /**
     * True when {@code get} does real work (decoding files, transforms), so that {@link DataLoader} prepares
     * the next batch in the background by default. In-memory tensors say false: gathering rows takes
     * microseconds, and a second thread of tensor work would only compete with training for the cores.
     */
    default boolean worthPrefetching() {
        return false;
    }

    /**
     * This dataset's images run through {@code pipeline} (e.g. a randomly rotated test set); sample i of
     * epoch e draws its random parameters from {@code Pipeline.sampleSeed(seed, e, i)}.
     */
    default Dataset transform(Pipeline pipeline, long seed) {
        return new TransformedDataset(this, pipeline, seed);
    }

    /** This dataset with {@code f} applied to every batch it returns (e.g. normalisation). */
    default Dataset map(java.util.function.UnaryOperator<Batch> f) {
        Dataset self = this;
        return new Dataset() {
            @Override public long size() {
                return self.size();
            }

            @Override public Batch get(long[] indices) {
                return f.apply(self.get(indices));
            }

            @Override public void setEpoch(int epoch) {
                self.setEpoch(epoch);
            }

            @Override public boolean worthPrefetching() {
                return self.worthPrefetching();
            }
        };
    }
}
