package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

/** PyTorch's initialisations ({@code torch.nn.init}), drawing from the thread's {@link dev.torch4j.tensor.Generator} (or the global one) in the same order as PyTorch does. */
public final class Init {
    private Init() {}

    /** kaiming_uniform_(w, a=sqrt(5)), PyTorch's default for Linear and Conv weights; same arithmetic as Python's. */
    static void kaimingUniformDefault(Tensor w, long fanIn) {
        double a = Math.sqrt(5.0);
        double gain = Math.sqrt(2.0 / (1 + a * a));
        double std = gain / Math.sqrt(fanIn);
        double bound = Math.sqrt(3.0) * std;
        uniform(w, -bound, bound);
    }

    /** The default bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    static void biasDefault(Tensor b, long fanIn) {
        double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
        uniform(b, -bound, bound);
    }

    static void uniform(Tensor t, double from, double to) {
        t.uniform_(from, to);
    }

    /** kaiming_normal_(w, mode="fan_out", nonlinearity="relu"): N(0, 2 / fan_out), torchvision's conv init. */
    public static void kaimingNormalFanOut(Tensor w) {
        long fanOut = w.size(0);
        for (int d = 2; d < w.dim(); d++) fanOut *= w.size(d);
        normal(w, 0, Math.sqrt(2.0) / Math.sqrt(fanOut));
    }

    public static void normal(Tensor t, double mean, double std) {
        t.normal_(mean, std);
    }

    public static void constant(Tensor t, double value) {
        try (Torch.NoGrad g = Torch.noGrad()) {
            t.handle().fill_(new org.bytedeco.pytorch.Scalar(value));
        }
    }
}
