package dev.torch4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** train --snapshots / --snapshot-every / --resume, and the refusals around them. */
class ResumeCommandTest extends CliRun {
    @TempDir Path dir;

    @Test void aResumedRunContinuesWithItsOwnOptionsAndEndsAsTheStraightOne() throws Exception {
        Path straight = dir.resolve("straight"), snaps = dir.resolve("snaps"), outDir = dir.resolve("out");
        assertThat(run("train", "--recipe", "s4-adam", "--epochs", "2", "--device", "cpu", "--threads", "1", "--out", straight.toString())).isZero();
        // the same run, stopped after one epoch (as a killed run would have its snapshot) ...
        assertThat(run("train", "--recipe", "s4-adam", "--epochs", "1", "--device", "cpu", "--threads", "1", "--out", outDir.toString(),
                "--snapshots", snaps.toString(), "--snapshot-every", "20")).isZero();
        assertThat(Files.list(snaps).map(p -> p.getFileName().toString()).sorted().toList()).hasSize(2).allMatch(n -> n.startsWith("snapshot-"));
        // ... then continued for one more epoch: only --epochs is given again
        assertThat(run("train", "--resume", snaps.toString(), "--epochs", "2")).isZero();
        assertThat(out).contains("epoch 2/2");
        List<String> a = Files.readAllLines(straight.resolve("history.csv")), b = Files.readAllLines(outDir.resolve("history.csv"));
        assertThat(b).hasSize(3);
        for (int i = 0; i < 3; i++) assertThat(withoutSeconds(b.get(i))).isEqualTo(withoutSeconds(a.get(i)));
        assertThat(Files.readAllBytes(outDir.resolve("best.safetensors"))).isEqualTo(Files.readAllBytes(straight.resolve("best.safetensors")));

        assertThat(run("train", "--resume", snaps.toString(), "--batch-size", "32", "--epochs", "3")).isEqualTo(2);
        assertThat(err).contains("--batch-size 32 contradicts the run in " + snaps + ", started with --batch-size 128");
        assertThat(run("train", "--resume", snaps.toString())).isEqualTo(1);
        assertThat(err).contains("already finished 2 epochs; ask for more than 2");
        assertThat(run("train", "--resume", dir.resolve("none").toString())).isEqualTo(2);
        assertThat(err).contains("--resume " + dir.resolve("none") + ": no such directory");
        assertThat(run("train", "--recipe", "s4-adam", "--snapshot-every", "5")).isEqualTo(2);
        assertThat(err).contains("--snapshot-every needs --snapshots DIR");
    }

    @Test void anOutThatIsAFileIsRefusedBeforeTraining() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        assertThat(run("train", "--recipe", "s3-lenet", "--out", file.toString())).isEqualTo(2);
        assertThat(err).contains("--out " + file + " is a file");
        assertThat(out).doesNotContain("epoch 1");
    }

    private static String withoutSeconds(String csvLine) {
        return csvLine.substring(0, csvLine.lastIndexOf(','));
    }
}
