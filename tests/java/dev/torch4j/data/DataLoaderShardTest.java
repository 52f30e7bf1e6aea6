package dev.torch4j.data;

import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link DataLoader#shard}: PyTorch's DistributedSampler semantics, checked by hand-counted positions. */
class DataLoaderShardTest {
    private static TensorDataset numbered(int n) {
        float[] x = new float[n];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = i;
        }
        return new TensorDataset(Tensor.of(x, n, 1), Tensor.of(y, n));
    }

    @Test void ranksTakeEveryWorldSizeThPositionOfThePaddedOrder() {
        DataLoader full = DataLoader.shuffled(numbered(10), 2, 5).epoch(2);
        long[] order = full.order();
        for (int rank = 0; rank < 3; rank++) {
            DataLoader shard = DataLoader.shuffled(numbered(10), 2, 5).shard(rank, 3).epoch(2);
            long[] mine = shard.order();
            assertThat(mine).hasSize(4); // ceil(10 / 3)
            assertThat(shard.samples()).isEqualTo(4);
            assertThat(shard.batches()).isEqualTo(2);
            // position i of rank r is position 3i + r of the order, wrapped into its start: 10 and 11 repeat 0 and 1
            for (int i = 0; i < 4; i++) assertThat(mine[i]).isEqualTo(order[(3 * i + rank) % 10]);
        }
    }

    @Test void everySampleIsSeenAndOnlyThePaddingTwice() {
        int[] seen = new int[10];
        for (int rank = 0; rank < 4; rank++) {
            for (long i : DataLoader.shuffled(numbered(10), 3, 1).shard(rank, 4).order()) seen[(int) i]++;
        }
        // 12 positions for 10 samples: two of them twice
        assertThat(Arrays.stream(seen).sum()).isEqualTo(12);
        assertThat(Arrays.stream(seen).filter(c -> c == 2).count()).isEqualTo(2);
        assertThat(Arrays.stream(seen).min().getAsInt()).isEqualTo(1);
    }

    @Test void batchKOfAllRanksIsBatchKOfOneLoaderWithTheirCombinedBatch() {
        TensorDataset data = numbered(24);
        List<Long> together = new ArrayList<>();
        List<List<Long>> perRank = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            List<Long> mine = new ArrayList<>();
            Iterator<Batch> it = DataLoader.shuffled(data, 3, 9).shard(rank, 2).epoch(1).iterator();
            // batch 1 of this rank
            it.next();
            for (long v : it.next().targets().toLongArray()) mine.add(v);
            perRank.add(mine);
        }
        Iterator<Batch> one = DataLoader.shuffled(data, 6, 9).epoch(1).iterator();
        one.next();
        for (long v : one.next().targets().toLongArray()) together.add(v);
        List<Long> union = new ArrayList<>(perRank.get(0));
        union.addAll(perRank.get(1));
        assertThat(union).containsExactlyInAnyOrderElementsOf(together);
        assertThat(perRank.get(0)).doesNotContainAnyElementsOf(perRank.get(1));
    }

    @Test void eachEpochReordersTheSameWayOnEveryRank() {
        long[] e0 = DataLoader.shuffled(numbered(20), 4, 3).shard(1, 2).epoch(0).order();
        long[] e1 = DataLoader.shuffled(numbered(20), 4, 3).shard(1, 2).epoch(1).order();
        assertThat(e1).isNotEqualTo(e0);
        assertThat(DataLoader.shuffled(numbered(20), 4, 3).shard(1, 2).epoch(1).order()).isEqualTo(e1);
    }

    @Test void badShardsAreRefused() {
        DataLoader l = DataLoader.sequential(numbered(4), 2);
        assertThatThrownBy(() -> l.shard(3, 3)).hasMessage("DataLoader shard rank must be in [0, 2], got 3");
        assertThatThrownBy(() -> l.shard(0, 0)).hasMessage("DataLoader shard worldSize must be >= 1, got 0");
        assertThat(l.shard(0, 1).order()).containsExactly(0, 1, 2, 3);
    }
}
