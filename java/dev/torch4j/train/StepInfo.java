package dev.torch4j.train;

import dev.torch4j.tensor.Tensor;

import java.util.function.DoubleSupplier;

/**
 * One finished training step as callbacks see it: the epoch (validation period, from 1), the step within it (from 1),
 * the period's step count, the batch size and the run's total step count. The loss values are read from the device
 * only when asked for.
 */
public final class StepInfo {
    private final int period;
    private final long step, steps, batchSize, globalStep;
    private final Tensor loss;
    private final DoubleSupplier meanLoss;

    StepInfo(int period, long step, long steps, long batchSize, long globalStep, Tensor loss, DoubleSupplier meanLoss) {
        this.period = period;
        this.step = step;
        this.steps = steps;
        this.batchSize = batchSize;
        this.globalStep = globalStep;
        this.loss = loss;
        this.meanLoss = meanLoss;
    }

    public int period() {
        return period;
    }

    public long step() {
        return step;
    }

    public long steps() {
        return steps;
    }

    public long batchSize() {
        return batchSize;
    }

    /** Steps trained since the run began (a resumed run counts the steps before the snapshot too). */
    public long globalStep() {
        return globalStep;
    }

    /** This batch's loss (waits for the device). */
    public double loss() {
        return loss.item();
    }

    /** The mean loss of this period so far (waits for the device). */
    public double meanLoss() {
        return meanLoss.getAsDouble();
    }
}
