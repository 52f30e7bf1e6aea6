package dev.torch4j.optim;

import dev.torch4j.config.Check;

/** Multiplies the learning rate by {@code gamma} every epoch (torch.optim.lr_scheduler.ExponentialLR). */
public final class ExponentialLR extends LrScheduler {
    private final double gamma;

    private ExponentialLR(Optimizer optimizer, double gamma) {
        super(optimizer);
        this.gamma = Check.atLeast("ExponentialLR", "gamma", gamma, 0);
    }

    public static ExponentialLR of(Optimizer optimizer, double gamma) {
        return new ExponentialLR(optimizer, gamma);
    }

    public double gamma() {
        return gamma;
    }

    @Override protected double lrAt(int epoch, double lr0) {
        return lr0 * Math.pow(gamma, epoch);
    }
}
