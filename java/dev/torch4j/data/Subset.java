package dev.torch4j.data;

import java.util.Arrays;

/** The examples of a dataset at given indices, in that order. */
public final class Subset implements Dataset {
    private final Dataset base;
    private final long[] indices;

    public Subset(Dataset base, long[] indices) {
        for (long i : indices) {
            if (i < 0 || i >= base.size()) throw new IndexOutOfBoundsException("subset index " + i + " out of range for a dataset of " + base.size());
        }
        this.base = base;
        this.indices = indices.clone();
    }

    @Override public long size() {
        return indices.length;
    }

    @Override public Batch get(long[] positions) {
        long[] mapped = new long[positions.length];
        for (int i = 0; i < positions.length; i++) mapped[i] = indices[Math.toIntExact(positions[i])];
        return base.get(mapped);
    }

    @Override public boolean worthPrefetching() {
        return base.worthPrefetching();
    }

    @Override public void setEpoch(int epoch) {
        base.setEpoch(epoch);
    }

    /** The indices into the underlying dataset. */
    public long[] indices() {
        return indices.clone();
    }

    @Override public String toString() {
        return "Subset(" + indices.length + " of " + base.size() + (indices.length <= 10 ? ", " + Arrays.toString(indices) : "") + ")";
    }
}
