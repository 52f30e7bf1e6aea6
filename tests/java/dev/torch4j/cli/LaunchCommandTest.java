package dev.torch4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code launch}: torchrun's options, its usage errors, and {@code train} under it unchanged. */
class LaunchCommandTest extends CliRun {
    @TempDir Path dir;

    @Test void trainRunsUnchangedOnTwoWorkersAndOnlyRankZeroReports() throws Exception {
        Path out = dir.resolve("out");
        int rc = run("launch", "--nproc-per-node", "2", "--", "train", "--recipe", "s3-lenet", "--epochs", "1", "--out", out.toString());
        assertThat(rc).as(this.out + err).isZero();
        assertThat(this.out).contains("[rank 0] data-parallel: 2 processes (ranks 0-1; rank 0 prints and writes), batch 64 per process, 128 in all")
                .contains("[rank 0] epoch 1/1").contains("[rank 0] test loss").doesNotContain("[rank 1] epoch").doesNotContain("[rank 1] test loss");
        for (String f : new String[] {"history.csv", "best.safetensors", "metrics.json", "curves.png"}) assertThat(out.resolve(f)).exists();
        assertThat(Files.readAllLines(out.resolve("history.csv"))).hasSize(2);
    }

    @Test void usageErrorsNameWhatIsMissing() {
        assertThat(run("launch", "--nproc-per-node", "2")).isEqualTo(2);
        assertThat(err).contains("torch4j launch: Missing required parameter: 'COMMAND'");
        assertThat(run("launch", "--", "train")).isEqualTo(2);
        assertThat(err).contains("torch4j launch: Missing required option: '--nproc-per-node=N'");
        assertThat(run("launch", "--nproc-per-node", "2", "--nnodes", "2", "--node-rank", "2", "--", "train")).isEqualTo(2);
        assertThat(err).contains("torch4j launch: --node-rank must be in [0, 1], got 2");
        assertThat(run("launch", "--nproc-per-node", "2", "--nnodes", "2", "--", "train")).isEqualTo(2);
        assertThat(err).contains("--nnodes 2 needs --master-addr");
        assertThat(run("launch", "--nproc-per-node", "2", "--proc", "3", "--", "train")).isEqualTo(2);
        assertThat(err).contains("Unknown option: '--proc'");
        assertThat(run("launch", "--help")).isZero();
        assertThat(out).contains("--nproc-per-node=N").contains("TORCH4J_DIST_TIMEOUT");
    }
}
