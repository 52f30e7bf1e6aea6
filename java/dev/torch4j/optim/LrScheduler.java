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
        for (ParamGroup g : optimizer.groups()) g.setLr(lrAt(epoch, g.initialLr()));
    }

    /** The learning rate after {@code epoch} steps for a group that started at {@code initialLr}. */
    protected abstract double lrAt(int epoch, double initialLr);

    /** How many times {@link #step()} was called. */
    public int epoch() {
        return epoch;
    }

    public double lr() {
        return optimizer.lr();
    }
}
