package dev.torch4j.optim;

/**
 * Sets an optimizer's learning rates as training goes on. Call {@link #step()} once per epoch (or per
 * batch, when the recipe says so), after the optimizer's step, as in PyTorch.
 */
public abstract class LrScheduler {
    protected final Optimizer optimizer;
    private int epoch;

    protected LrScheduler(Optimizer optimizer) {
        if (optimizer.groups().isEmpty()) throw new IllegalArgumentException("bind the optimizer to parameters before creating a scheduler");
        this.optimizer = optimizer;
    }

    /** Advances one epoch (or batch) and sets every group's learning rate. */
    public void step() {
        epoch++;
        for (ParamGroup g : optimizer.groups()) g.lr(lrAt(epoch, g.initialLr()));
    }

    /** The learning rate after {@code epoch} steps for a group that started at {@code initialLr}. */
    protected abstract double lrAt(int epoch, double initialLr);

    /**
     * Puts the schedule at {@code steps} calls of {@link #step()} without touching the learning rates (a resumed run
     * restores those with the optimizer's state).
     */
    public void restoreSteps(int steps) {
        if (steps < 0) throw new IllegalArgumentException("scheduler steps must be >= 0, got " + steps);
        epoch = steps;
    }

    /** How many times {@link #step()} was called. */
    public int epoch() {
        return epoch;
    }

    public double lr() {
        return optimizer.lr();
    }
}
