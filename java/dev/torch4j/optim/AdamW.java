package dev.torch4j.optim;

/** AdamW (torch.optim.AdamW): Adam with decoupled weight decay, 0.01 by default as in PyTorch. */
public final class AdamW extends Adam {
    private AdamW(double lr) {
        super(lr);
        weightDecay = 0.01;
    }

    /** AdamW with PyTorch's defaults (lr 1e-3, weight decay 0.01). */
    public static AdamW of() {
        return new AdamW(1e-3);
    }

    public static AdamW of(double lr) {
        return new AdamW(lr);
    }

    @Override public AdamW lr(double value) {
        super.lr(value);
        return this;
    }

    @Override public AdamW weightDecay(double wd) {
        super.weightDecay(wd);
        return this;
    }

    @Override boolean decoupled() {
        return true;
    }
}
