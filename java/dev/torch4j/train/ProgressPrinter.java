package dev.torch4j.train;

import dev.torch4j.nn.Module;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Console progress: on a terminal, a bar redrawn in place with running loss, throughput and ETA; otherwise
 * (logs, CI) one plain line per epoch.
 */
public final class ProgressPrinter implements Callback {
    private final PrintStream out;
    private final boolean terminal;
    private int epochs;
    private long epochStart, samples;
    private double lossSum;

    public ProgressPrinter(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** System.out, with the bar only when a console is attached. */
    public static ProgressPrinter console() {
        return new ProgressPrinter(System.out, System.console() != null);
    }

    @Override public void onFitStart(Module model, int epochs) {
        this.epochs = epochs;
    }

    @Override public void onBatchEnd(int epoch, long step, long steps, double loss, long batchSamples) {
        if (step == 1) {
            epochStart = System.nanoTime();
            samples = 0;
            lossSum = 0;
        }
        samples += batchSamples;
        lossSum += loss * batchSamples;
        if (!terminal || (step % 10 != 0 && step != steps)) return;
        double elapsed = (System.nanoTime() - epochStart) / 1e9;
        double rate = samples / Math.max(elapsed, 1e-9);
        double eta = elapsed / step * (steps - step);
        int width = 30, done = (int) (width * step / steps);
        out.printf(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d loss %.4f %.0f samples/s ETA %.0fs ", epoch, epochs,
                "=".repeat(done), " ".repeat(width - done), step, steps, lossSum / samples, rate, eta);
        out.flush();
    }

    @Override public boolean onEpochEnd(EpochResult r, Module model) {
        if (terminal) out.print("\r");
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f acc %.4f", r.epoch(), epochs,
                r.trainLoss(), r.trainAccuracy()));
        if (!Double.isNaN(r.validLoss())) sb.append(String.format(Locale.ROOT, "  val loss %.4f acc %.4f", r.validLoss(), r.validAccuracy()));
        sb.append(String.format(Locale.ROOT, "  lr %.3g  %.1fs", r.lr(), r.seconds()));
        out.println(sb);
        return false;
    }
}
