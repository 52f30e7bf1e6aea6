package dev.torch4j.train;

import dev.torch4j.io.StateDict;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kill harness: {@link ResumeChild} trains in a JVM of its own and is killed with SIGKILL at 20 pseudo-random
 * moments (half of them the instant a snapshot's temporary file appears, so inside a write); after each kill the run
 * resumes from its snapshots. The final weights, optimizer state and history equal the uninterrupted run's bit for bit.
 */
class KillResumeTest {
    private static final int KILLS = 20;
    private static final long SNAPSHOT_EVERY = 3;
    @TempDir Path dir;

    @Test void aRunKilledTwentyTimesEndsBitForBitAsTheUninterruptedOne() throws Exception {
        Path reference = dir.resolve("reference"), killed = dir.resolve("killed");
        Files.createDirectories(reference);
        Files.createDirectories(killed);
        long t0 = System.nanoTime();
        assertThat(runToEnd(reference)).contains("START 1 0", "DONE");
        // kill delays scale with this machine's speed: the 20 kills must land before the run could end
        long runMillis = (System.nanoTime() - t0) / 1_000_000, maxDelay = Math.max(20, runMillis / (4 * KILLS));

        Random random = new Random(20261201);
        int insideWrites = 0, kills = 0, resumedMidEpoch = 0;
        for (int attempt = 0; attempt < KILLS * 3 && kills < KILLS && !ResumeChild.finished(killed); attempt++) {
            Process p = start(killed);
            CountDownLatch started = new CountDownLatch(1);
            List<String> lines = new ArrayList<>();
            Thread reader = readLines(p, lines, started);
            if (!started.await(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("the child did not start training: " + lines);
            }
            boolean duringWrite = kills % 2 == 1;
            // every kill comes after progress: a snapshot newer than the one this run resumed from
            long resumedAt = latestStep(killed.resolve("snapshots"));
            while (p.isAlive() && latestStep(killed.resolve("snapshots")) <= resumedAt) Thread.onSpinWait();
            // then either the instant the next snapshot's temporary file appears, or a random moment between steps
            boolean hit = duringWrite ? waitForTempFile(killed.resolve("snapshots"), p, 20_000) : sleepUnlessExited(p, random.nextInt((int) maxDelay));
            if (!p.isAlive()) { // finished before the kill: the loop ends
                p.waitFor();
                reader.join();
                break;
            }
            p.destroyForcibly(); // SIGKILL on Linux
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join();
            kills++;
            if (duringWrite && hit && hasTempFile(killed.resolve("snapshots"))) insideWrites++;
            synchronized (lines) {
                for (String l : lines) if (l.startsWith("START") && !l.endsWith(" 0")) resumedMidEpoch++;
            }
        }
        String last = ResumeChild.finished(killed) ? "DONE" : runToEnd(killed);
        assertThat(last).contains("DONE");
        System.out.printf("kill harness: %d kills, %d of them inside a snapshot write, %d resumes in the middle of an epoch%n",
                kills, insideWrites, resumedMidEpoch);
        assertThat(kills).as("kills before the run ended").isGreaterThanOrEqualTo(KILLS);
        assertThat(insideWrites).as("kills that left a half-written snapshot").isGreaterThan(0);

        StateDict a = StateDict.load(reference.resolve("result.safetensors")), b = StateDict.load(killed.resolve("result.safetensors"));
        assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
        for (Map.Entry<String, Tensor> e : a.entrySet()) {
            assertThat(bits(b.get(e.getKey()))).as(e.getKey()).isEqualTo(bits(e.getValue()));
        }
        assertThat(b.metadata().get("history")).isEqualTo(a.metadata().get("history")).contains("val_loss");
        // the leftovers of the kills are gone: no temporary files, at most the two newest snapshots
        assertThat(hasTempFile(killed.resolve("snapshots"))).isFalse();
        assertThat(Snapshot.list(killed.resolve("snapshots"))).hasSizeLessThanOrEqualTo(2);
    }

    private static String bits(Tensor t) {
        return t.dtype().isFloatingPoint() ? java.util.Arrays.toString(t.to(dev.torch4j.tensor.DType.FLOAT64).toDoubleArray())
                : java.util.Arrays.toString(t.toLongArray());
    }

    private static Process start(Path runDir) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ResumeChild.class.getName(), runDir.toString(), String.valueOf(SNAPSHOT_EVERY));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String runToEnd(Path runDir) throws Exception {
        Process p = start(runDir);
        List<String> lines = new ArrayList<>();
        Thread reader = readLines(p, lines, new CountDownLatch(1));
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the training child did not finish in 5 minutes");
        }
        reader.join();
        String out = String.join("\n", lines);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static Thread readLines(Process p, List<String> lines, CountDownLatch started) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(l);
                    }
                    if (l.startsWith("START")) started.countDown();
                }
            } catch (IOException e) {
                // the process was killed
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static boolean sleepUnlessExited(Process p, long millis) throws InterruptedException {
        p.waitFor(millis, TimeUnit.MILLISECONDS);
        return true;
    }

    /** Polls for a snapshot being written; true when one was seen (then the caller kills at once). */
    private static boolean waitForTempFile(Path snapshots, Process p, long timeoutMillis) {
        long end = System.nanoTime() + timeoutMillis * 1_000_000;
        while (System.nanoTime() < end && p.isAlive()) {
            if (hasTempFile(snapshots)) return true;
            Thread.onSpinWait();
        }
        return false;
    }

    /** The step of the newest complete snapshot, -1 when there is none. */
    private static long latestStep(Path snapshots) {
        List<Path> all = Snapshot.list(snapshots);
        return all.isEmpty() ? -1 : Snapshot.stepOf(all.get(all.size() - 1));
    }

    private static boolean hasTempFile(Path snapshots) {
        if (!Files.isDirectory(snapshots)) return false;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(snapshots, ".snapshot-*.tmp")) {
            return ds.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }
}
