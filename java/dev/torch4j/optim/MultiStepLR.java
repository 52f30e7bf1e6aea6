package dev.torch4j.optim;

import dev.torch4j.config.Check;

import java.util.Arrays;

/** Multiplies the learning rate by {@code gamma} (default 0.1) at each milestone epoch (torch.optim.lr_scheduler.MultiStepLR). */
public final class MultiStepLR extends LrScheduler {
    private final int[] milestones;
    private double gamma = 0.1;

    private MultiStepLR(Optimizer optimizer, int[] milestones) {
        super(optimizer);
        Check.present("MultiStepLR", "milestones", milestones);
        this.milestones = milestones.clone();
        Arrays.sort(this.milestones);
        for (int m : this.milestones) Check.atLeast("MultiStepLR", "milestones", m, 1);
    }

    public static MultiStepLR of(Optimizer optimizer, int... milestones) {
        return new MultiStepLR(optimizer, milestones);
    }

    public static MultiStepLR of(Optimizer optimizer, int[] milestones, double gamma) {
        return of(optimizer, milestones).gamma(gamma);
    }

    public MultiStepLR gamma(double value) {
        gamma = Check.atLeast("MultiStepLR", "gamma", value, 0);
        return this;
    }

    public double gamma() {
        return gamma;
    }

    @Override protected double lrAt(int epoch, double lr0) {
        int passed = 0;
        for (int m : milestones) if (m <= epoch) passed++;
        return lr0 * Math.pow(gamma, passed);
    }
}
