package dev.torch4j.optim;

import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Tensor;

import java.util.List;

/** Parameters that share a learning rate (and optionally a weight decay), e.g. a backbone and a head. */
public final class ParamGroup {
    private final List<Tensor> params;
    private double lr;
    private final Double weightDecay;
    private final double initialLr;

    private ParamGroup(List<Tensor> params, double lr, Double weightDecay) {
        if (!(lr >= 0)) throw new IllegalArgumentException("learning rate must be >= 0, got " + lr);
        this.params = List.copyOf(params);
        this.lr = lr;
        this.initialLr = lr;
        this.weightDecay = weightDecay;
    }

    /** The trainable parameters of {@code module} at learning rate {@code lr}. */
    public static ParamGroup of(Layer module, double lr) {
        return new ParamGroup(module.trainableParameters(), lr, null);
    }

    public static ParamGroup of(List<Tensor> params, double lr) {
        return new ParamGroup(params, lr, null);
    }

    /** With its own weight decay instead of the optimizer's. */
    public static ParamGroup of(List<Tensor> params, double lr, double weightDecay) {
        return new ParamGroup(params, lr, weightDecay);
    }

    public List<Tensor> params() {
        return params;
    }

    public double lr() {
        return lr;
    }

    /** Sets this group's learning rate (what schedulers do). Returns this. */
    public ParamGroup lr(double lr) {
        this.lr = dev.torch4j.config.Check.atLeast("ParamGroup", "lr", lr, 0);
        return this;
    }

    /** The learning rate the group started with (schedulers scale it). */
    public double initialLr() {
        return initialLr;
    }

    /** This group's weight decay, or null to use the optimizer's. */
    public Double weightDecay() {
        return weightDecay;
    }
}
