package dev.torch4j.optim;

import dev.torch4j.config.Check;

/**
 * Cosine from the initial learning rate down to {@code etaMin} (default 0) over {@code tMax} epochs, and back up
 * after, as PyTorch (torch.optim.lr_scheduler.CosineAnnealingLR).
 */
public final class CosineAnnealingLR extends LrScheduler {
    private final int tMax;
    private double etaMin;

    private CosineAnnealingLR(Optimizer optimizer, int tMax) {
        super(optimizer);
        this.tMax = Check.atLeast("CosineAnnealingLR", "tMax", tMax, 1);
    }

    public static CosineAnnealingLR of(Optimizer optimizer, int tMax) {
        return new CosineAnnealingLR(optimizer, tMax);
    }

    public static CosineAnnealingLR of(Optimizer optimizer, int tMax, double etaMin) {
        return of(optimizer, tMax).etaMin(etaMin);
    }

    public CosineAnnealingLR etaMin(double value) {
        etaMin = Check.atLeast("CosineAnnealingLR", "etaMin", value, 0);
        return this;
    }

    public double etaMin() {
        return etaMin;
    }

    @Override protected double lrAt(int epoch, double lr0) {
        return etaMin + (lr0 - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }
}
