package dev.torch4j.nn;

import org.bytedeco.pytorch.TensorOptional;

/** Helpers for tests that check a torch4j path against libtorch's own call on the same values. */
final class LibtorchReference {
    private LibtorchReference() {}

    /** The largest absolute difference relative to {@code want}'s largest value (at least 1e-3). */
    static double relDiff(org.bytedeco.pytorch.Tensor got, org.bytedeco.pytorch.Tensor want) {
        return got.sub(want).abs().max().item_double() / Math.max(want.abs().max().item_double(), 1e-3);
    }

    /** A detached copy of {@code t}, a leaf of libtorch's reference graph. */
    static org.bytedeco.pytorch.Tensor leaf(org.bytedeco.pytorch.Tensor t, boolean grad) {
        org.bytedeco.pytorch.Tensor l = t.detach().clone();
        l.requires_grad_(grad);
        return l;
    }

    static TensorOptional opt(org.bytedeco.pytorch.Tensor t) {
        return t == null ? new TensorOptional() : new TensorOptional(t);
    }
}
