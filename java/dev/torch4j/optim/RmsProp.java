package dev.torch4j.optim;

import dev.torch4j.tensor.Tensor;

import java.util.Map;

/** RMSprop (torch.optim.RMSprop): alpha 0.99, eps 1e-8; optional momentum, centring and weight decay. */
public final class RmsProp extends Optimizer {
    private double alpha = 0.99, eps = 1e-8, momentum;
    private boolean centered;

    private RmsProp(double lr) {
        super(lr);
    }

    /** RmsProp with PyTorch's defaults (lr 0.01). */
    public static RmsProp of() {
        return new RmsProp(0.01);
    }

    public static RmsProp of(double lr) {
        return new RmsProp(lr);
    }

    @Override public RmsProp lr(double value) {
        super.lr(value);
        return this;
    }

    public RmsProp alpha(double a) {
        alpha = atLeast("alpha", a, 0);
        return this;
    }

    public RmsProp eps(double e) {
        eps = atLeast("eps", e, 0);
        return this;
    }

    public RmsProp momentum(double m) {
        momentum = atLeast("momentum", m, 0);
        return this;
    }

    public RmsProp centered(boolean on) {
        centered = on;
        return this;
    }

    public RmsProp weightDecay(double wd) {
        weightDecay = atLeast("weightDecay", wd, 0);
        return this;
    }

    public double alpha() {
        return alpha;
    }

    public double eps() {
        return eps;
    }

    public double momentum() {
        return momentum;
    }

    public boolean centered() {
        return centered;
    }

    @Override protected void update(Tensor p, Tensor grad, Map<String, Tensor> state, double lr, double wd) {
        if (!state.containsKey("square_avg")) {
            state.put("square_avg", own(p.zerosLike()));
            if (momentum > 0) state.put("momentum_buffer", own(p.zerosLike()));
            if (centered) state.put("grad_avg", own(p.zerosLike()));
        }
        Tensor g = wd != 0 ? grad.add(p, wd) : grad;
        Tensor sq = state.get("square_avg");
        sq.mul_(alpha).addcmul_(g, g, 1 - alpha);
        Tensor avg;
        if (centered) {
            Tensor ga = state.get("grad_avg");
            ga.mul_(alpha).add_(g, 1 - alpha);
            avg = sq.addcmul(ga, ga, -1).sqrt_();
        } else {
            avg = sq.sqrt();
        }
        avg = avg.add_(eps);
        if (momentum > 0) {
            Tensor buf = state.get("momentum_buffer");
            buf.mul_(momentum).addcdiv_(g, avg, 1);
            p.add_(buf, -lr);
        } else {
            p.addcdiv_(g, avg, -lr);
        }
    }
}
