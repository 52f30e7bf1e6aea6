package dev.torch4j.data;

import dev.torch4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Datasets one after another; a batch that spans several is gathered from each and joined. */
public final class ConcatDataset implements Dataset {
    private final List<Dataset> parts;
    private final long[] starts;
    private final long size;

    public ConcatDataset(List<Dataset> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("nothing to concatenate");
        this.parts = List.copyOf(parts);
        starts = new long[parts.size()];
        long n = 0;
        for (int i = 0; i < parts.size(); i++) {
            starts[i] = n;
            n += parts.get(i).size();
        }
        size = n;
    }

    @Override public long size() {
        return size;
    }

    @Override public Batch get(long[] indices) {
        List<Tensor> xs = new ArrayList<>(), ys = new ArrayList<>();
        int i = 0;
        while (i < indices.length) { // runs of consecutive indices in the same part become one call
            int part = partOf(indices[i]);
            int j = i;
            while (j < indices.length && partOf(indices[j]) == part) j++;
            long[] local = new long[j - i];
            for (int k = i; k < j; k++) local[k - i] = indices[k] - starts[part];
            Batch b = parts.get(part).get(local);
            xs.add(b.inputs());
            ys.add(b.targets());
            i = j;
        }
        return xs.size() == 1 ? new Batch(xs.get(0), ys.get(0)) : new Batch(Tensor.cat(xs, 0), Tensor.cat(ys, 0));
    }

    @Override public boolean worthPrefetching() {
        return parts.stream().anyMatch(Dataset::worthPrefetching);
    }

    @Override public void setEpoch(int epoch) {
        for (Dataset d : parts) d.setEpoch(epoch);
    }

    private int partOf(long index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("index " + index + " out of range for a dataset of " + size);
        int p = starts.length - 1;
        while (starts[p] > index) p--;
        return p;
    }
}
