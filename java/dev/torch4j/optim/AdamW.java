package dev.torch4j.optim;

/** AdamW (torch.optim.AdamW): Adam with decoupled weight decay, 0.01 by default as in PyTorch. */
public final class AdamW extends Adam {
    private AdamW(double lr) {
        super(lr);
        weightDecay = 0.01;
    }

    public static AdamW lr(double lr) {
        return new AdamW(lr);
    }

    @Override boolean decoupled() {
        return true;
    }
}
