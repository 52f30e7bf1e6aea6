package dev.torch4j.optim;

import dev.torch4j.tensor.Tensor;

import java.util.Map;

/**
 * Adam (torch.optim.Adam): moment estimates with bias correction, optional AMSGrad; weight decay added
 * to the gradient. {@link AdamW} decouples the decay instead.
 */
public class Adam extends Optimizer {
    private double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    private boolean amsgrad;

    Adam(double lr) {
        super(lr);
    }

    /** Adam with PyTorch's defaults (lr 1e-3). */
    public static Adam of() {
        return new Adam(1e-3);
    }

    public static Adam of(double lr) {
        return new Adam(lr);
    }

    /** {beta1, beta2}. */
    public double[] betas() {
        return new double[] {beta1, beta2};
    }

    public double eps() {
        return eps;
    }

    public boolean amsgrad() {
        return amsgrad;
    }

    public Adam betas(double b1, double b2) {
        beta1 = inRange("betas[0]", b1, 0, 1);
        beta2 = inRange("betas[1]", b2, 0, 1);
        return this;
    }

    public Adam eps(double e) {
        eps = atLeast("eps", e, 0);
        return this;
    }

    public Adam amsgrad(boolean on) {
        amsgrad = on;
        return this;
    }

    @Override public Adam lr(double value) {
        super.lr(value);
        return this;
    }

    public Adam weightDecay(double wd) {
        weightDecay = atLeast("weightDecay", wd, 0);
        return this;
    }

    /** True for AdamW: decay the weights directly rather than through the gradient. */
    boolean decoupled() {
        return false;
    }

    @Override protected void update(Tensor p, Tensor grad, Map<String, Tensor> state, double lr, double wd) {
        Tensor step = state.get("step");
        if (step == null) {
            step = own(Tensor.zeros(1).to(dev.torch4j.tensor.DType.FLOAT64)); // on the CPU: reading it does not wait for a GPU
            state.put("step", step);
            state.put("exp_avg", own(p.zerosLike()));
            state.put("exp_avg_sq", own(p.zerosLike()));
            if (amsgrad) state.put("max_exp_avg_sq", own(p.zerosLike()));
        }
        step.add_(1);
        double t = step.item();
        Tensor g = grad;
        if (wd != 0) {
            if (decoupled()) p.mul_(1 - lr * wd);
            else g = g.add(p, wd);
        }
        Tensor m = state.get("exp_avg"), v = state.get("exp_avg_sq");
        m.mul_(beta1).add_(g, 1 - beta1);
        v.mul_(beta2).addcmul_(g, g, 1 - beta2);
        double bc1 = 1 - Math.pow(beta1, t), bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        Tensor second = v;
        if (amsgrad) {
            Tensor max = state.get("max_exp_avg_sq");
            max.copy_(max.maximum(v));
            second = max;
        }
        Tensor denom = second.sqrt().div(bc2Sqrt).add_(eps);
        p.addcdiv_(m, denom, -lr / bc1);
    }
}
