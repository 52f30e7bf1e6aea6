package dev.torch4j.optim;

import java.util.Arrays;

/** Multiplies the learning rate by gamma at each milestone epoch. */
public final class MultiStepLR extends LrScheduler {
    private final int[] milestones;
    private final double gamma;

    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) {
        super(optimizer);
        this.milestones = milestones.clone();
        Arrays.sort(this.milestones);
        this.gamma = gamma;
    }

    @Override protected double lrAt(int epoch, double lr0) {
        int passed = 0;
        for (int m : milestones) if (m <= epoch) passed++;
        return lr0 * Math.pow(gamma, passed);
    }
}
