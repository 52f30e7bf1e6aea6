package dev.torch4j.optim;

import dev.torch4j.config.Check;

/**
 * Cuts the learning rate by {@code factor} when a monitored metric (e.g. validation loss) has not improved
 * for {@code patience} epochs (torch.optim.lr_scheduler.ReduceLROnPlateau, relative threshold).
 */
public final class ReduceLROnPlateau {
    public enum Mode { MIN, MAX }

    private static final String NAME = "ReduceLROnPlateau";
    private final Optimizer optimizer;
    private final Mode mode;
    private double factor = 0.1, threshold = 1e-4, minLr;
    private final double eps = 1e-8;
    private int patience = 10, cooldown;
    private double best;
    private int badEpochs, cooldownLeft;

    private ReduceLROnPlateau(Optimizer optimizer, Mode mode) {
        this.optimizer = Check.present(NAME, "optimizer", optimizer);
        this.mode = Check.present(NAME, "mode", mode);
        this.best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** PyTorch's defaults: factor 0.1, patience 10, threshold 1e-4 (relative), no cooldown, no minimum. */
    public static ReduceLROnPlateau of(Optimizer optimizer, Mode mode) {
        return new ReduceLROnPlateau(optimizer, mode);
    }

    /** The cut: new lr = lr * factor, in (0, 1). */
    public ReduceLROnPlateau factor(double value) {
        Check.above(NAME, "factor", value, 0);
        if (!(value < 1)) throw Check.refused(NAME, "factor", "in (0, 1)", String.valueOf(value));
        factor = value;
        return this;
    }

    /** Epochs without improvement before a cut. */
    public ReduceLROnPlateau patience(int epochs) {
        patience = Check.atLeast(NAME, "patience", epochs, 0);
        return this;
    }

    /** Epochs to wait after a cut before counting again. */
    public ReduceLROnPlateau cooldown(int epochs) {
        cooldown = Check.atLeast(NAME, "cooldown", epochs, 0);
        return this;
    }

    /** The lowest learning rate a cut may reach. */
    public ReduceLROnPlateau minLr(double value) {
        minLr = Check.atLeast(NAME, "minLr", value, 0);
        return this;
    }

    /** The relative improvement that counts as better. */
    public ReduceLROnPlateau threshold(double value) {
        threshold = Check.atLeast(NAME, "threshold", value, 0);
        return this;
    }

    public double factor() {
        return factor;
    }

    public int patience() {
        return patience;
    }

    public int cooldown() {
        return cooldown;
    }

    public double minLr() {
        return minLr;
    }

    /** Records this epoch's metric and lowers the learning rate when it has stalled. */
    public void step(double metric) {
        if (better(metric)) {
            best = metric;
            badEpochs = 0;
        } else {
            badEpochs++;
        }
        if (cooldownLeft > 0) {
            cooldownLeft--;
            badEpochs = 0;
        }
        if (badEpochs > patience) {
            for (ParamGroup g : optimizer.groups()) {
                double next = Math.max(g.lr() * factor, minLr);
                if (g.lr() - next > eps) g.lr(next);
            }
            cooldownLeft = cooldown;
            badEpochs = 0;
        }
    }

    private boolean better(double v) {
        return mode == Mode.MIN ? v < best * (1 - threshold) : v > best * (1 + threshold);
    }

    public double lr() {
        return optimizer.lr();
    }
}
