package dev.torch4j.optim;

/**
 * Cuts the learning rate by {@code factor} when a monitored metric (e.g. validation loss) has not improved
 * for {@code patience} epochs (torch.optim.lr_scheduler.ReduceLROnPlateau, relative threshold).
 */
public final class ReduceLROnPlateau {
    public enum Mode { MIN, MAX }

    private final Optimizer optimizer;
    private final Mode mode;
    private final double factor, threshold, minLr, eps = 1e-8;
    private final int patience, cooldown;
    private double best;
    private int badEpochs, cooldownLeft;

    public ReduceLROnPlateau(Optimizer optimizer, Mode mode, double factor, int patience, int cooldown, double minLr) {
        if (factor >= 1 || factor <= 0) throw new IllegalArgumentException("factor must be in (0, 1), got " + factor);
        this.optimizer = optimizer;
        this.mode = mode;
        this.factor = factor;
        this.patience = patience;
        this.cooldown = cooldown;
        this.minLr = minLr;
        this.threshold = 1e-4;
        this.best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** PyTorch's defaults: factor 0.1, patience 10, no cooldown, no minimum. */
    public ReduceLROnPlateau(Optimizer optimizer, Mode mode) {
        this(optimizer, mode, 0.1, 10, 0, 0);
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
                if (g.lr() - next > eps) g.setLr(next);
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
