package dev.torch4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Splitting datasets into disjoint random subsets by counts or fractions (as PyTorch's random_split). */
public final class Datasets {
    private Datasets() {}

    /** Random disjoint subsets of the given sizes, which must add up to the dataset's size. */
    public static List<Subset> randomSplit(Dataset dataset, long seed, long... counts) {
        long total = Arrays.stream(counts).sum();
        if (total != dataset.size() || Arrays.stream(counts).anyMatch(c -> c < 0)) {
            throw new IllegalArgumentException("split sizes " + Arrays.toString(counts) + " must be >= 0 and add up to the dataset's "
                    + dataset.size() + " examples");
        }
        long[] order = permutation(dataset.size(), seed);
        List<Subset> out = new ArrayList<>();
        int from = 0;
        for (long c : counts) {
            out.add(new Subset(dataset, Arrays.copyOfRange(order, from, from + (int) c)));
            from += (int) c;
        }
        return out;
    }

    /**
     * Random disjoint subsets holding the given fractions (adding up to 1); sizes are floor(fraction * n),
     * the remainder going one by one to the first subsets, as PyTorch's random_split does.
     */
    public static List<Subset> randomSplit(Dataset dataset, long seed, double... fractions) {
        double sum = Arrays.stream(fractions).sum();
        if (Math.abs(sum - 1) > 1e-9 || Arrays.stream(fractions).anyMatch(f -> f < 0)) {
            throw new IllegalArgumentException("split fractions " + Arrays.toString(fractions) + " must be >= 0 and add up to 1");
        }
        long n = dataset.size();
        long[] counts = new long[fractions.length];
        long assigned = 0;
        for (int i = 0; i < fractions.length; i++) {
            counts[i] = (long) Math.floor(fractions[i] * n);
            assigned += counts[i];
        }
        for (int i = 0; assigned < n; i = (i + 1) % counts.length, assigned++) counts[i]++;
        return randomSplit(dataset, seed, counts);
    }

    static long[] permutation(long n, long seed) {
        long[] order = new long[Math.toIntExact(n)];
        for (int i = 0; i < order.length; i++) order[i] = i;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
