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

    public static Sgd lr(double lr) {
        return new Sgd(lr);
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
        weightDecay = atLeast("weight decay", wd, 0);
        return this;
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
