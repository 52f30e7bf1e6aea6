package dev.torch4j.optim;

import dev.torch4j.config.Check;

/** Multiplies the learning rate by {@code gamma} (default 0.1) every {@code stepSize} epochs (torch.optim.lr_scheduler.StepLR). */
public final class StepLR extends LrScheduler {
    private final int stepSize;
    private double gamma = 0.1;

    private StepLR(Optimizer optimizer, int stepSize) {
        super(optimizer);
        this.stepSize = Check.atLeast("StepLR", "stepSize", stepSize, 1);
    }

    public static StepLR of(Optimizer optimizer, int stepSize) {
        return new StepLR(optimizer, stepSize);
    }

    public static StepLR of(Optimizer optimizer, int stepSize, double gamma) {
        return of(optimizer, stepSize).gamma(gamma);
    }

    public StepLR gamma(double value) {
        gamma = Check.atLeast("StepLR", "gamma", value, 0);
        return this;
    }

    public double gamma() {
        return gamma;
    }

    public int stepSize() {
        return stepSize;
    }

    @Override protected double lrAt(int epoch, double lr0) {
        return lr0 * Math.pow(gamma, epoch / stepSize);
    }
}
