package dev.torch4j.data;

import com.sun.net.httpserver.HttpServer;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DatasetsTest {
    @TempDir Path dir;

    static TensorDataset numbers(int n) {
        return new TensorDataset(Tensor.arange(0.0, n, 1.0).reshape(n, 1), Tensor.arange(n));
    }

    @Test void randomSplitByCountsAndFractionsIsDisjointCompleteAndSeeded() {
        TensorDataset d = numbers(100);
        List<Subset> a = Datasets.randomSplit(d, 1234, 0.9, 0.1);
        assertThat(a.get(0).size()).isEqualTo(90);
        assertThat(a.get(1).size()).isEqualTo(10);
        long[] all = LongStream.concat(Arrays.stream(a.get(0).indices()), Arrays.stream(a.get(1).indices())).sorted().toArray();
        assertThat(all).containsExactly(LongStream.range(0, 100).toArray());
        assertThat(Datasets.randomSplit(d, 1234, 0.9, 0.1).get(1).indices()).containsExactly(a.get(1).indices());
        assertThat(Datasets.randomSplit(d, 1235, 0.9, 0.1).get(1).indices()).isNotEqualTo(a.get(1).indices());
        List<Subset> c = Datasets.randomSplit(d, 42, 55L, 45L); // seed 002 style: counts
        assertThat(c.get(1).get(new long[] {0, 1}).targets().toLongArray()).containsExactly(c.get(1).indices()[0], c.get(1).indices()[1]);
        assertThat(Datasets.randomSplit(numbers(10), 0, 0.33, 0.33, 0.34).stream().mapToLong(Subset::size).toArray()).containsExactly(4, 3, 3);
        assertThatThrownBy(() -> Datasets.randomSplit(d, 0, 50L, 40L)).hasMessageContaining("add up to the dataset's 100");
    }

    @Test void concatenationAndMapping() {
        ConcatDataset c = new ConcatDataset(List.of(numbers(3), numbers(2)));
        assertThat(c.size()).isEqualTo(5);
        assertThat(c.get(new long[] {4, 0, 3, 2}).targets().toLongArray()).containsExactly(1, 0, 0, 2);
        Dataset doubled = c.map(b -> new Batch(b.inputs().mul(2), b.targets()));
        assertThat(doubled.get(2).inputs().toFloatArray()).containsExactly(4f);
        assertThatThrownBy(() -> c.get(5)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test void loaderBatchesShufflesPerEpochAndDropsTheLast() {
        TensorDataset d = numbers(10);
        DataLoader seq = DataLoader.sequential(d, 4);
        assertThat(seq.batches()).isEqualTo(3);
        List<Long> sizes = new java.util.ArrayList<>();
        for (Batch b : seq) sizes.add(b.size());
        assertThat(sizes).containsExactly(4L, 4L, 2L);
        assertThat(seq.dropLast(true).batches()).isEqualTo(2);
        DataLoader sh = DataLoader.shuffled(d, 10, 7);
        long[] e0 = sh.epoch(0).iterator().next().targets().toLongArray();
        long[] e1 = sh.epoch(1).iterator().next().targets().toLongArray();
        assertThat(e0).isNotEqualTo(e1);
        assertThat(DataLoader.shuffled(d, 10, 7).epoch(0).iterator().next().targets().toLongArray()).containsExactly(e0);
        assertThat(Arrays.stream(e0).sorted().toArray()).containsExactly(LongStream.range(0, 10).toArray());
    }

    @Test void forEachBatchesAreReleasedWhenTheLoaderMovesOnUnlessKept() {
        TensorDataset d = numbers(10);
        for (int prefetch : new int[] {0, 1, 2}) {
            List<Batch> taken = new java.util.ArrayList<>();
            for (Batch b : DataLoader.sequential(d, 4).prefetch(prefetch)) {
                taken.add(b);
                if (taken.size() == 1) {
                    try (Scope s = Scope.open()) {
                        s.keep(b.inputs());
                    }
                }
            }
            assertThat(taken).hasSize(3);
            assertThat(taken.get(0).inputs().toFloatArray()).containsExactly(0f, 1f, 2f, 3f); // kept: still there
            for (Batch b : taken.subList(1, 3)) {
                assertThatThrownBy(() -> b.inputs().toFloatArray()).isInstanceOf(IllegalStateException.class).hasMessageContaining("loader moved on");
                assertThatThrownBy(() -> b.targets().toLongArray()).isInstanceOf(IllegalStateException.class);
            }
            assertThatThrownBy(() -> taken.get(0).targets().toLongArray()).isInstanceOf(IllegalStateException.class);
            // Taken inside a Scope, a batch belongs to that scope instead.
            java.util.Iterator<Batch> it = DataLoader.sequential(d, 4).prefetch(prefetch).iterator();
            Batch inScope;
            try (Scope s = Scope.open()) {
                inScope = it.next();
                Batch second = it.next();
                assertThat(inScope.targets().toLongArray()).containsExactly(0, 1, 2, 3);
                assertThat(second.targets().toLongArray()).containsExactly(4, 5, 6, 7);
            }
            assertThatThrownBy(() -> inScope.targets().toLongArray()).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test void onlyDatasetsThatDoWorkArePrefetchedByDefault() {
        TensorDataset d = numbers(10);
        assertThat(DataLoader.shuffled(d, 4, 1).prefetchDepth()).isZero();
        assertThat(DataLoader.shuffled(Datasets.randomSplit(d, 1, 0.5, 0.5).get(0), 4, 1).prefetchDepth()).isZero();
        Dataset rotated = d.map(b -> new Batch(b.inputs().reshape(-1, 1, 1, 1), b.targets()))
                .transform(Transforms.compose(Transforms.randomRotation(10), Transforms.toTensor()), 1);
        assertThat(DataLoader.sequential(rotated, 4).prefetchDepth()).isEqualTo(1);
        assertThat(DataLoader.sequential(new ConcatDataset(List.of(d, rotated)), 4).prefetchDepth()).isEqualTo(1);
        assertThat(DataLoader.sequential(d, 4).prefetch(3).prefetchDepth()).isEqualTo(3);
    }

    @Test void normalisationFromDataAndFixed() {
        Tensor images = Tensor.of(new float[] {0, 2, 4, 6, 10, 10, 10, 10}, 2, 2, 2, 1); // channel 0: 0,2,10,10; channel 1: 4,6,10,10
        Normalization n = Normalization.fromData(images);
        assertThat(n.mean()[0]).isCloseTo(5.5f, within(1e-6f));
        assertThat(n.mean()[1]).isCloseTo(7.5f, within(1e-6f));
        double var0 = (5.5 * 5.5 + 3.5 * 3.5 + 4.5 * 4.5 * 2) / 3; // sample variance
        assertThat(n.std()[0]).isCloseTo((float) Math.sqrt(var0), within(1e-5f));
        assertThat(n.apply(images).mean().item()).isCloseTo(0, within(1e-6));
        assertThat(Normalization.MNIST.apply(Tensor.full(0.1307, 1, 1, 2, 2)).abs().max().item()).isLessThan(1e-6);
        assertThatThrownBy(() -> Normalization.IMAGENET.apply(Tensor.zeros(1, 1, 2, 2))).hasMessageContaining("3 channels");
    }

    /** A tiny MNIST-format set served over HTTP on loopback: downloaded, checked, loaded; a bad checksum is refused. */
    @Test void downloadsWithChecksumVerification() throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        files.put("train-images-idx3-ubyte.gz", IdxTest.gzip(IdxTest.idx(new int[] {3, 2, 2}, new byte[12])));
        files.put("train-labels-idx1-ubyte.gz", IdxTest.gzip(IdxTest.idx(new int[] {3}, new byte[] {1, 2, 3})));
        files.put("t10k-images-idx3-ubyte.gz", IdxTest.gzip(IdxTest.idx(new int[] {1, 2, 2}, new byte[4])));
        files.put("t10k-labels-idx1-ubyte.gz", IdxTest.gzip(IdxTest.idx(new int[] {1}, new byte[] {7})));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = files.get(ex.getRequestURI().getPath().substring(1));
            ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            Map<String, String> sums = new HashMap<>();
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path tmp = Files.write(dir.resolve("sum-" + e.getKey()), e.getValue());
                sums.put(e.getKey(), MnistData.md5(tmp));
            }
            MnistData.Spec spec = new MnistData.Spec("tiny", List.of(base), sums, List.of());
            Path target = dir.resolve("downloaded");
            MnistData.download(spec, target);
            MnistData data = MnistData.load(spec, target);
            assertThat(data.train().size()).isEqualTo(3);
            assertThat(data.test().targets().toLongArray()).containsExactly(7);

            Map<String, String> wrong = new HashMap<>(sums);
            wrong.put("t10k-labels-idx1-ubyte.gz", "0".repeat(32));
            Path other = dir.resolve("other");
            assertThatThrownBy(() -> MnistData.download(new MnistData.Spec("tiny", List.of(base), wrong, List.of()), other))
                    .hasMessageContaining("t10k-labels-idx1-ubyte.gz has md5").hasMessageContaining("expected 000000");
            assertThat(other.resolve("t10k-labels-idx1-ubyte.gz")).doesNotExist();
        } finally {
            server.stop(0);
        }
    }

    @Test void missingDataSaysWhereItLookedAndHowToGetIt() throws IOException {
        System.setProperty("torch4j.offline", "true");
        try {
            MnistData.Spec spec = new MnistData.Spec("fashion-mnist-absent", List.of("http://example.invalid/"), Map.of(), List.of());
            // a folder the user names: what is missing, what is there, never a download into it
            assertThatThrownBy(() -> MnistData.load(spec, dir.resolve("nowhere"))).hasMessage(dir.resolve("nowhere") + " does not exist;"
                    + " an MNIST-format folder holds the four IDX files train-images-idx3-ubyte, train-labels-idx1-ubyte,"
                    + " t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each gzipped or not)");
            Path half = dir.resolve("half");
            Files.createDirectories(half);
            Files.write(half.resolve("train-images-idx3-ubyte.gz"), new byte[] {1});
            Files.write(half.resolve("t10k-labels-idx1-ubyte"), new byte[] {1});
            assertThatThrownBy(() -> MnistData.load(spec, half)).hasMessageContaining(half + " does not hold fashion-mnist-absent:"
                    + " missing train-labels-idx1-ubyte, t10k-images-idx3-ubyte (found: train-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte)");
            Path photos = dir.resolve("photos");
            Files.createDirectories(photos.resolve("cats"));
            assertThatThrownBy(() -> MnistData.load(spec, photos)).hasMessageContaining("none of the four files is there")
                    .hasMessageContaining("like an image folder");
            assertThat(half.toFile().list()).hasSize(2); // nothing was downloaded into it
            assertThatThrownBy(() -> MnistData.load(spec, null)).hasMessageContaining("$TORCH4J_DATA/fashion-mnist-absent")
                    .hasMessageContaining(".torch4j/data/fashion-mnist-absent").hasMessageContaining("/usr/share/datasets/fashion-mnist-absent");
        } finally {
            System.clearProperty("torch4j.offline");
        }
    }
}
