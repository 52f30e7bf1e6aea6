package dev.torch4j.optim;

/** Multiplies the learning rate by gamma every epoch. */
public final class ExponentialLR extends LrScheduler {
    private final double gamma;

    public ExponentialLR(Optimizer optimizer, double gamma) {
        super(optimizer);
        this.gamma = gamma;
    }

    @Override protected double lrAt(int epoch, double lr0) {
        return lr0 * Math.pow(gamma, epoch);
    }
}
