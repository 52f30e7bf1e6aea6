package dev.torch4j.distributed;

import dev.torch4j.io.StateDict;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.train.History;
import dev.torch4j.train.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Data-parallel training with two real worker processes on loopback, started by {@link Launcher}: the results are
 * checked against one process training on the same data (with twice the batch), which is what data parallelism must
 * reproduce.
 */
class DataParallelTest {
    @TempDir Path dir;

    record Run(int code, String output, double seconds) {}

    static Run launch(Path out, String... args) throws Exception {
        Files.createDirectories(out);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DdpWorker.class.getName()));
        command.add(args[0]);
        command.add(out.toString());
        for (int i = 1; i < args.length; i++) command.add(args[i]);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        int code = Launcher.of(2).output(ps, ps).run(command);
        return new Run(code, bytes.toString(StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1e9);
    }

    @Test void twoRanksTrainAsOneProcessWithTwiceTheBatchAndResumeExactly() throws Exception {
        Run r = launch(dir.resolve("straight"), "train", "2");
        assertThat(r.code()).as(r.output()).isZero();
        StateDict rank0 = StateDict.load(dir.resolve("straight/rank-0.safetensors"));
        StateDict rank1 = StateDict.load(dir.resolve("straight/rank-1.safetensors"));
        assertBitEqual(rank1, rank0); // rank 1 started from other weights: rank 0's were copied to it

        // one process, batch 32 = 2 x 16, the same seed: the same batches, the same averaged gradients
        Layer single = DdpWorker.model();
        History h = DdpWorker.trainer(single, 2, 2 * DdpWorker.BATCH_PER_RANK).fit(DdpWorker.train(), DdpWorker.valid());
        for (Map.Entry<String, Tensor> e : single.stateDict().entrySet()) {
            double diff = maxAbsDiff(rank0.get(e.getKey()), e.getValue());
            assertThat(diff).as(e.getKey()).isLessThan(1e-5);
        }
        List<String> csv = Files.readAllLines(dir.resolve("straight/rank-0.csv"));
        List<String> header = List.of(csv.get(0).split(","));
        for (int epoch = 1; epoch <= 2; epoch++) {
            String[] row = csv.get(epoch).split(",");
            for (String m : List.of("train_loss", "train_acc", "val_loss", "val_acc")) {
                double mine = Double.parseDouble(row[header.indexOf(m)]);
                assertThat(mine).as(m + " epoch " + epoch).isCloseTo(h.epochs().get(epoch - 1).get(m), org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        // every rank has the same history (only the seconds, measured by each, differ)
        List<String> csv1 = Files.readAllLines(dir.resolve("straight/rank-1.csv"));
        for (int i = 0; i < csv.size(); i++) assertThat(withoutLastColumn(csv1.get(i))).isEqualTo(withoutLastColumn(csv.get(i)));

        // one epoch with snapshots, then resumed to two: the straight run's weights, to the bit
        assertThat(launch(dir.resolve("resumed"), "train", "1", "snapshots").code()).isZero();
        Run resumed = launch(dir.resolve("resumed"), "train", "2", "resume");
        assertThat(resumed.code()).as(resumed.output()).isZero();
        assertBitEqual(StateDict.load(dir.resolve("resumed/rank-0.safetensors")), rank0);
        assertBitEqual(StateDict.load(dir.resolve("resumed/rank-1.safetensors")), rank0);
    }

    @Test void batchNormBuffersFollowRankZero() throws Exception {
        Run r = launch(dir, "bn", "1");
        assertThat(r.code()).as(r.output()).isZero();
        StateDict rank0 = StateDict.load(dir.resolve("rank-0.safetensors")), rank1 = StateDict.load(dir.resolve("rank-1.safetensors"));
        assertBitEqual(rank1, rank0);
        assertThat(rank0.get("1.running_mean").abs().sum().item()).isGreaterThan(0); // the statistics did move
        assertThat(rank0.get("1.num_batches_tracked").toLongArray()[0]).isEqualTo(DdpWorker.TRAIN / (2 * DdpWorker.BATCH_PER_RANK));
    }

    @Test void noSyncAccumulatesLocallyAndTheNextBackwardAveragesTheSum() throws Exception {
        Run r = launch(dir, "nosync");
        assertThat(r.code()).as(r.output()).isZero();
        StateDict weights = StateDict.load(dir.resolve("weights-0.safetensors"));
        assertBitEqual(StateDict.load(dir.resolve("weights-1.safetensors")), weights);
        // expected: (sum over ranks of (grad of batch A_r + grad of batch B_r)) / 2, computed in one process
        Layer m = DdpWorker.model();
        m.loadStateDict(weights, true);
        var data = DdpWorker.train();
        for (int rank = 0; rank < 2; rank++) {
            for (int from : new int[] {rank * 8, 64 + rank * 8}) {
                var b = data.get(DdpWorker.indices(from, 8));
                Loss.crossEntropy().compute(m.call(b.inputs()), b.targets()).div(2).backward();
            }
        }
        for (int rank = 0; rank < 2; rank++) {
            StateDict grads = StateDict.load(dir.resolve("rank-" + rank + ".safetensors"));
            for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
                assertThat(maxAbsDiff(grads.get(e.getKey()), e.getValue().grad())).as(e.getKey() + " on rank " + rank).isLessThan(1e-6);
            }
        }
    }

    @Test void aRankThatDiesStopsTheWholeRunWithinSeconds() throws Exception {
        Run r = launch(dir, "fail");
        assertThat(r.code()).as(r.output()).isEqualTo(3);
        assertThat(r.output()).contains("[rank 1] rank 1 leaves now").contains("worker rank 1 exited with code 3; stopping the other workers");
        // rank 0 either saw its peer go (and said so) or was stopped by the launcher first
        if (r.output().contains("[rank 0] caught:")) assertThat(r.output()).contains("rank 0 of 2:").contains("a peer process ended");
        assertThat(r.seconds()).as(r.output()).isLessThan(120);
    }

    @Test void noWorkerOutlivesAKilledLauncher() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString(), cp = System.getProperty("java.class.path");
        Process launcher = new ProcessBuilder(javaBin, "-cp", cp, "dev.torch4j.cli.Main", "launch", "--nproc-per-node", "2", "--",
                javaBin, "-cp", cp, DdpWorker.class.getName(), "wait", dir.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("launcher.log").toFile()).start();
        List<ProcessHandle> workers = new ArrayList<>();
        try {
            for (int i = 0; i < 600 && workers.size() < 2; i++) {
                Thread.sleep(100);
                workers.clear();
                for (int k = 0; k < 2; k++) {
                    Path pid = dir.resolve("pid-" + k);
                    if (Files.exists(pid) && !Files.readString(pid).isBlank()) ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(workers::add);
                }
            }
            assertThat(workers).as(Files.readString(dir.resolve("launcher.log"))).hasSize(2);
        } finally {
            launcher.destroyForcibly().waitFor(); // SIGKILL: the launcher gets no chance to stop its workers itself
        }
        for (ProcessHandle w : workers) {
            try {
                w.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                w.destroyForcibly();
                throw new AssertionError("worker " + w.pid() + " outlived its launcher by 20 s");
            }
        }
    }

    /** A join that fails, in a JVM of its own: the failed group's native objects stay out of the test JVM. */
    private static String failedJoin(String mode, int port) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                DdpWorker.class.getName(), mode, Integer.toString(port)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test void aRankThatNeverArrivesIsNamed() throws Exception {
        int port = freePort();
        String out = failedJoin("never-arrives", port);
        assertThat(out).contains("caught: rank 0 of 2 could not join the group at 127.0.0.1:" + port)
                .contains("rank 1 did not arrive within 2 s").contains("active after: false");
    }

    @Test void aMissingMasterIsNamed() throws Exception {
        int port = freePort();
        String out = failedJoin("no-master", port);
        assertThat(out).contains("caught: rank 1 of 2 could not reach the master at 127.0.0.1:" + port).contains("is rank 0 running");
    }

    @Test void aGroupOfOneNeedsNoNetworkAndChangesNothing() {
        try (ProcessGroup g = ProcessGroup.join(Rendezvous.of("127.0.0.1", 1, 0, 1))) {
            assertThat(ProcessGroup.active()).containsSame(g);
            Tensor t = Tensor.of(new float[] {1, 2}, 2);
            assertThat(g.allReduce_(t).toFloatArray()).containsExactly(1, 2);
            assertThat(g.allGather(t)).hasSize(1);
            assertThatThrownBy(() -> ProcessGroup.join(Rendezvous.of("127.0.0.1", 1, 0, 1)))
                    .hasMessageContaining("a process group is already active (rank 0 of 1 at 127.0.0.1:1)");
        }
        assertThat(ProcessGroup.active()).isEmpty();
    }

    @Test void theEnvironmentIsReadAndItsMistakesNamed() {
        Rendezvous r = Rendezvous.fromEnvironment(Map.of("MASTER_ADDR", "10.0.0.1", "MASTER_PORT", "29501", "RANK", "3", "WORLD_SIZE", "4",
                "LOCAL_RANK", "1", "LOCAL_WORLD_SIZE", "2", "TORCH4J_DIST_TIMEOUT", "90"));
        assertThat(List.of(r.rank(), r.worldSize(), r.localRank(), r.localWorldSize(), r.masterPort())).containsExactly(3, 4, 1, 2, 29501);
        assertThat(r.master()).isEqualTo("10.0.0.1:29501");
        assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(r.joinTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> Rendezvous.fromEnvironment(Map.of("MASTER_ADDR", "h", "MASTER_PORT", "1", "WORLD_SIZE", "2")))
                .hasMessageContaining("RANK is not set");
        assertThatThrownBy(() -> Rendezvous.fromEnvironment(Map.of("MASTER_ADDR", "h", "MASTER_PORT", "1", "WORLD_SIZE", "two", "RANK", "0")))
                .hasMessage("environment variable WORLD_SIZE must be an integer, got 'two'");
        assertThatThrownBy(() -> Rendezvous.fromEnvironment(Map.of("MASTER_ADDR", "h", "MASTER_PORT", "1", "WORLD_SIZE", "2", "RANK", "2")))
                .hasMessage("environment variable RANK must be in [0, 1], got 2");
        assertThatThrownBy(() -> Rendezvous.of("h", 70000, 0, 1)).hasMessage("Rendezvous masterPort must be in [1, 65535], got 70000");
    }

    private static String withoutLastColumn(String line) {
        return line.substring(0, line.lastIndexOf(','));
    }

    static void assertBitEqual(StateDict actual, StateDict expected) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        for (String k : expected.keySet()) {
            Tensor a = actual.get(k), e = expected.get(k);
            if (e.dtype().isFloatingPoint()) assertThat(a.to(DType.FLOAT64).toDoubleArray()).as(k).containsExactly(e.to(DType.FLOAT64).toDoubleArray());
            else assertThat(a.toLongArray()).as(k).containsExactly(e.toLongArray());
        }
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        return a.to(DType.FLOAT64).sub(b.to(DType.FLOAT64)).abs().max().item();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
