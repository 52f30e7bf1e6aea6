package dev.torch4j.train;

import dev.torch4j.nn.Layer;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Progress of a fit. {@link #console()}: on a terminal, a bar redrawn in place every 10 steps with the running loss,
 * throughput and ETA (reading the loss from the device only then); otherwise (logs, CI) one plain line per epoch,
 * with every metric the epoch carries. {@link #logger()}: the same line per epoch to {@code System.Logger}
 * "dev.torch4j.train" at INFO, which is what a {@link Trainer} does when no progress printer is given (a library
 * prints nothing to stdout unless asked).
 */
public final class ProgressPrinter implements Callback {
    /** Rank 0 only in a data-parallel run. */
    @Override public boolean mainProcessOnly() {
        return true;
    }

    private static final int REDRAW_EVERY = 10;
    private static final System.Logger LOG = System.getLogger("dev.torch4j.train");
    private final PrintStream out;
    private final boolean terminal;
    private int epochs;
    private long epochStart, samples;
    private int currentPeriod = -1;

    public ProgressPrinter(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** System.out, with the bar only when a console is attached. */
    public static ProgressPrinter console() {
        return new ProgressPrinter(System.out, System.console() != null);
    }

    /** One line per epoch to the logger "dev.torch4j.train" at INFO (the application's logging decides where it goes). */
    public static ProgressPrinter logger() {
        return new ProgressPrinter(null, false);
    }

    @Override public void onFitStart(FitContext fit) {
        this.epochs = fit.periods();
        fit.layoutChoice().ifPresent(c -> {
            if (out == null) LOG.log(System.Logger.Level.INFO, "layout: " + c);
            else out.println("layout: " + c);
        });
    }

    @Override public void onBatchEnd(StepInfo s) {
        if (s.period() != currentPeriod) {
            currentPeriod = s.period();
            epochStart = System.nanoTime();
            samples = 0;
        }
        samples += s.batchSize();
        if (!terminal || (s.step() % REDRAW_EVERY != 0 && s.step() != s.steps())) return;
        double elapsed = (System.nanoTime() - epochStart) / 1e9;
        double rate = samples / Math.max(elapsed, 1e-9);
        double eta = elapsed / Math.max(1, samples) * s.batchSize() * (s.steps() - s.step());
        int width = 30, done = (int) (width * s.step() / s.steps());
        out.printf(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d loss %.4f %.0f samples/s ETA %.0fs ", s.period(), epochs,
                "=".repeat(done), " ".repeat(width - done), s.step(), s.steps(), s.meanLoss(), rate, eta);
        out.flush();
    }

    @Override public boolean onEpochEnd(EpochResult r, Layer model) {
        if (out == null) {
            LOG.log(System.Logger.Level.INFO, line(r, epochs));
            return false;
        }
        if (terminal) out.print("\r");
        out.println(line(r, epochs));
        return false;
    }

    /** {@code epoch 2/10  train loss 0.4321 acc 0.8765  val loss ... acc ...  lr 0.00100  1.2s}; user metrics by name. */
    static String line(EpochResult r, int epochs) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d ", r.epoch(), epochs));
        for (String side : new String[] {"train", "val"}) {
            String prefix = side + "_";
            boolean first = true;
            for (Map.Entry<String, Double> e : r.metrics().entrySet()) {
                if (!e.getKey().startsWith(prefix) || e.getValue().isNaN()) continue;
                sb.append(first ? " " + side + " " : " ").append(e.getKey().substring(prefix.length()))
                        .append(String.format(Locale.ROOT, " %.4f", e.getValue()));
                first = false;
            }
            if (!first) sb.append(' ');
        }
        sb.append(String.format(Locale.ROOT, " lr %.3g  %.1fs", r.lr(), r.seconds()));
        return sb.toString();
    }
}
