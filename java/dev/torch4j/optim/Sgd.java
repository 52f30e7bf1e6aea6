package dev.torch4j.optim;

import dev.torch4j.tensor.Tensor;

import java.util.Map;

/** Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay (torch.optim.SGD). */
public final class Sgd extends Optimizer {
    private double momentum, dampening;
    private boolean nesterov;

    private Sgd(double lr) {
        super(lr);
    }

    /** PyTorch requires the learning rate of SGD. */
    public static Sgd of(double lr) {
        return new Sgd(lr);
    }

    @Override public Sgd lr(double value) {
        super.lr(value);
        return this;
    }

    public Sgd momentum(double m) {
        momentum = atLeast("momentum", m, 0);
        return this;
    }

    public Sgd dampening(double d) {
        dampening = atLeast("dampening", d, 0);
        return this;
    }

    public Sgd nesterov(boolean on) {
        nesterov = on;
        return this;
    }

    public Sgd weightDecay(double wd) {
        weightDecay = atLeast("weightDecay", wd, 0);
        return this;
    }

    public double momentum() {
        return momentum;
    }

    public double dampening() {
        return dampening;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override protected void update(Tensor p, Tensor grad, Map<String, Tensor> state, double lr, double wd) {
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new IllegalStateException("Nesterov momentum needs momentum > 0 and zero dampening");
        Tensor d = wd != 0 ? grad.add(p, wd) : grad;
        if (momentum != 0) {
            Tensor buf = state.get("momentum_buffer");
            if (buf == null) {
                buf = own(d.clone());
                state.put("momentum_buffer", buf);
            } else {
                buf.mul_(momentum).add_(d, 1 - dampening);
            }
            d = nesterov ? d.add(buf, momentum) : buf;
        }
        p.add_(d, -lr);
    }
}
