package dev.torch4j.train;

import dev.torch4j.data.FashionMnist;
import dev.torch4j.data.Normalization;
import dev.torch4j.data.Subset;
import dev.torch4j.nn.Flatten;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.Sequential;
import dev.torch4j.optim.Sgd;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** Library code prints nothing to stdout unless asked; its lines reach the application's logging (here JUL, the default). */
class LoggingTest {
    @Test void aFitLogsItsEpochsAndPrintsNothing() {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override public void publish(LogRecord r) {
                records.add(r);
            }

            @Override public void flush() {}

            @Override public void close() {}
        };
        Logger jul = Logger.getLogger("dev.torch4j.train");
        jul.addHandler(capture);
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            Layer m = Sequential.of(Flatten.of(), Linear.of(784, 10));
            var data = new Subset(FashionMnist.sample().train(Normalization.MNIST), java.util.stream.LongStream.range(0, 200).toArray());
            Trainer.of(m).optimizer(Sgd.of(0.1)).epochs(2).batchSize(50).seed(1).fit(data, null);
        } finally {
            System.setOut(stdout);
            jul.removeHandler(capture);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(records).extracting(LogRecord::getMessage).hasSize(2)
                .allMatch(msg -> msg.contains(" train loss ")).anyMatch(msg -> msg.startsWith("epoch 2/2"));
        assertThat(records).allMatch(r -> r.getLevel() == java.util.logging.Level.INFO);
    }
}
