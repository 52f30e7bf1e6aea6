package dev.torch4j.cli;

import dev.torch4j.nn.Layer;
import dev.torch4j.nn.Summary;
import dev.torch4j.recipes.SeedModels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bench --roofline}'s arithmetic and table (timings are benchmarks, not asserted). */
class RooflineTest extends CliRun {
    @Test void aRowCountsThreeForwardPassesOfFlopsAndShowsBothLayouts() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Roofline.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(new Roofline.Row("s3-lenet", 8, 2)));
        String out = bytes.toString(StandardCharsets.UTF_8);
        long macs;
        try (Layer m = SeedModels.get("s3-lenet").create()) {
            macs = Summary.of(m, 1, 1, 28, 28).multAdds();
        }
        assertThat(out).containsPattern("convolution peak: \\d+ GFLOP/s \\(3x3 conv 64->128 at 37x37, batch 32");
        String row = out.lines().filter(l -> l.startsWith("s3-lenet")).findFirst().orElseThrow();
        assertThat(row).contains(String.format(Locale.ROOT, "%10.2f", 6.0 * macs * 8 / 1e9)).containsPattern("\\d+\\.\\d%.*\\d+\\.\\d%");
        assertThat(run("bench", "--roofline", "--model", "s3-lenet")).isEqualTo(2);
        assertThat(err).contains("--roofline measures its own list of models");
        assertThat(run("bench")).isEqualTo(2);
        assertThat(err).contains("bench needs --model NAME (or --roofline)");
    }
}
