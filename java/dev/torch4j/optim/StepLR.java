package dev.torch4j.optim;

/** Multiplies the learning rate by gamma every {@code stepSize} epochs. */
public final class StepLR extends LrScheduler {
    private final int stepSize;
    private final double gamma;

    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        if (stepSize <= 0) throw new IllegalArgumentException("step size must be positive, got " + stepSize);
        this.stepSize = stepSize;
        this.gamma = gamma;
    }

    @Override protected double lrAt(int epoch, double lr0) {
        return lr0 * Math.pow(gamma, epoch / stepSize);
    }
}
