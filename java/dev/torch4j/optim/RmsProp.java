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

    public static RmsProp lr(double lr) {
        return new RmsProp(lr);
    }

    public RmsProp alpha(double a) {
        alpha = a;
        return this;
    }

    public RmsProp eps(double e) {
        eps = e;
        return this;
    }

    public RmsProp momentum(double m) {
        momentum = m;
        return this;
    }

    public RmsProp centered(boolean on) {
        centered = on;
        return this;
    }

    public RmsProp weightDecay(double wd) {
        weightDecay = wd;
        return this;
    }

    @Override protected void update(Tensor param, Tensor grad, Map<String, Tensor> state, double lr, double wd) {
        org.bytedeco.pytorch.Tensor p = param.handle(), g = grad.handle();
        if (!state.containsKey("square_avg")) {
            state.put("square_avg", own(Tensor.wrap(Adam.torchZerosLike(p))));
            if (momentum > 0) state.put("momentum_buffer", own(Tensor.wrap(Adam.torchZerosLike(p))));
            if (centered) state.put("grad_avg", own(Tensor.wrap(Adam.torchZerosLike(p))));
        }
        if (wd != 0) g = g.add(p, s(wd));
        org.bytedeco.pytorch.Tensor sq = state.get("square_avg").handle();
        sq.mul_(s(alpha)).addcmul_(g, g, s(1 - alpha));
        org.bytedeco.pytorch.Tensor avg;
        if (centered) {
            org.bytedeco.pytorch.Tensor ga = state.get("grad_avg").handle();
            ga.mul_(s(alpha)).add_(g, s(1 - alpha));
            avg = sq.addcmul(ga, ga, s(-1)).sqrt_();
        } else {
            avg = sq.sqrt();
        }
        avg = avg.add_(s(eps));
        if (momentum > 0) {
            org.bytedeco.pytorch.Tensor buf = state.get("momentum_buffer").handle();
            buf.mul_(s(momentum)).addcdiv_(g, avg, s(1));
            p.add_(buf, s(-lr));
        } else {
            p.addcdiv_(g, avg, s(-lr));
        }
    }
}
