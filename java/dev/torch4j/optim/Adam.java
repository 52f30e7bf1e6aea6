package dev.torch4j.optim;

import dev.torch4j.shim.Shim;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.DoublePointer;

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

    /**
     * Adds 1 to the step count and returns it. The count is a one-element tensor (the state dict's "step", as PyTorch
     * saves it); a CPU float64 one, as this class makes it, is read and written in place rather than through two
     * libtorch operations per parameter. One loaded from elsewhere (float32, or on a GPU) goes through libtorch.
     */
    private static double advance(Tensor step) {
        org.bytedeco.pytorch.Tensor h = step.handle();
        if (step.dtype() == DType.FLOAT64 && h.is_cpu() && h.numel() == 1) {
            DoublePointer count = new DoublePointer(h.data_ptr());
            double t = count.get() + 1;
            count.put(t);
            return t;
        }
        step.add_(1);
        return step.item();
    }

    /**
     * Whether the shim's one-pass update applies: every tensor a contiguous float32 CPU tensor of the parameter's size
     * (docs/benchmarks.md, "Adam in one pass"); {@value #ONE_PASS_PROPERTY}{@code =false} turns it off.
     */
    private static boolean onePass(Tensor p, Tensor grad, Tensor m, Tensor v, Tensor max) {
        if (!ONE_PASS) return false;
        for (Tensor t : new Tensor[] {p, grad, m, v, max}) {
            if (t == null) continue;
            org.bytedeco.pytorch.Tensor h = t.handle();
            if (h.is_sparse() || t.dtype() != DType.FLOAT32 || !h.is_cpu() || !h.is_contiguous() || h.numel() != p.numel()) return false; // sparse first: it has no is_contiguous
        }
        return true;
    }

    static final String ONE_PASS_PROPERTY = "torch4j.onePassAdam";
    private static final boolean ONE_PASS = !"false".equalsIgnoreCase(System.getProperty(ONE_PASS_PROPERTY));

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
        double t = advance(step);
        Tensor m = state.get("exp_avg"), v = state.get("exp_avg_sq"), max = amsgrad ? state.get("max_exp_avg_sq") : null;
        if (onePass(p, grad, m, v, max)
                && Shim.adamStep(p.handle().data_ptr(), grad.handle().data_ptr(), m.handle().data_ptr(), v.handle().data_ptr(),
                        max == null ? null : max.handle().data_ptr(), p.numel(), lr, beta1, beta2, eps, wd, decoupled(), t)) {
            return;
        }
        Tensor g = grad;
        if (wd != 0) {
            if (decoupled()) p.mul_(1 - lr * wd);
            else g = g.add(p, wd);
        }
        m.mul_(beta1).add_(g, 1 - beta1);
        v.mul_(beta2).addcmul_(g, g, 1 - beta2);
        double bc1 = 1 - Math.pow(beta1, t), bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        Tensor second = v;
        if (amsgrad) {
            max.copy_(max.maximum(v));
            second = max;
        }
        Tensor denom = second.sqrt().div(bc2Sqrt).add_(eps);
        p.addcdiv_(m, denom, -lr / bc1);
    }
}
