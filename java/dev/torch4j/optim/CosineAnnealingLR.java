package dev.torch4j.optim;

/** Cosine from the initial learning rate down to etaMin over tMax epochs (and back up after, as PyTorch). */
public final class CosineAnnealingLR extends LrScheduler {
    private final int tMax;
    private final double etaMin;

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        if (tMax <= 0) throw new IllegalArgumentException("tMax must be positive, got " + tMax);
        this.tMax = tMax;
        this.etaMin = etaMin;
    }

    @Override protected double lrAt(int epoch, double lr0) {
        return etaMin + (lr0 - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }
}
