package dev.torch4j.train;

import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.TorchException;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;

/** A training objective: model output and target in, a loss tensor out (a scalar unless reduction is NONE). */
@FunctionalInterface
public interface Loss {
    Tensor compute(Tensor output, Tensor target);

    /** Cross-entropy of logits [N, C] against class indices [N]; see {@link CrossEntropyLoss} for options. */
    static CrossEntropyLoss crossEntropy() {
        return new CrossEntropyLoss(null, 0, Reduction.MEAN);
    }

    /** Negative log-likelihood of log-probabilities [N, C] against class indices [N]. */
    static Loss nll() {
        return (out, target) -> {
            Checks.classification(out, target);
            return Checks.withLabelRange(out, target, () -> torch.nll_loss(out.handle(), target.handle(), new TensorOptional(), Reduction.MEAN.code, -100));
        };
    }

    /** Binary cross-entropy of probabilities in [0, 1] against targets of the same shape. */
    static Loss bce() {
        return (out, target) -> {
            Checks.sameShape("bce", out, target);
            return call(() -> torch.binary_cross_entropy(out.handle(), target.handle(), new TensorOptional(), Reduction.MEAN.code));
        };
    }

    /** Binary cross-entropy on logits (sigmoid inside, numerically stable), as PyTorch's BCEWithLogitsLoss. */
    static Loss bceWithLogits() {
        return bceWithLogits(Reduction.MEAN);
    }

    static Loss bceWithLogits(Reduction reduction) {
        return (out, target) -> {
            Checks.sameShape("bceWithLogits", out, target);
            return call(() -> torch.binary_cross_entropy_with_logits(out.handle(), target.handle(), new TensorOptional(),
                    new TensorOptional(), reduction.code));
        };
    }

    static Loss mse() {
        return mse(Reduction.MEAN);
    }

    /** Mean (or summed) squared error between output and target of the same shape. */
    static Loss mse(Reduction reduction) {
        return (out, target) -> {
            Checks.sameShape("mse", out, target);
            return call(() -> torch.mse_loss(out.handle(), target.handle(), reduction.code));
        };
    }

    private static Tensor call(java.util.function.Supplier<org.bytedeco.pytorch.Tensor> f) {
        return Tensor.call(f);
    }

    /** Input checks with messages that name both shapes. */
    final class Checks {
        private Checks() {}

        static void sameShape(String loss, Tensor out, Tensor target) {
            if (!Arrays.equals(out.shape(), target.shape())) {
                throw new IllegalArgumentException(loss + ": output " + Arrays.toString(out.shape()) + " and target "
                        + Arrays.toString(target.shape()) + " must have the same shape");
            }
        }

        static void classification(Tensor out, Tensor target) {
            if (out.dim() != 2 || target.dim() != 1 || out.size(0) != target.size(0)) {
                throw new IllegalArgumentException("expected output [N, C] and target [N], got " + Arrays.toString(out.shape())
                        + " and " + Arrays.toString(target.shape()));
            }
            if (target.dtype().isFloatingPoint()) throw new IllegalArgumentException("class targets must be integer indices, got " + target.dtype().torchName());
        }

        /**
         * Runs a class-index loss; when libtorch rejects it, says which labels were out of range. The range
         * is only looked at on failure: checking it on every step would cost two reductions and, on a GPU,
         * two synchronisations per step.
         */
        static Tensor withLabelRange(Tensor out, Tensor target, java.util.function.Supplier<org.bytedeco.pytorch.Tensor> loss) {
            try {
                return Tensor.wrap(loss.get());
            } catch (RuntimeException e) {
                long classes = out.size(1);
                if (target.numel() > 0) {
                    long min = target.min().itemLong(), max = target.max().itemLong();
                    if ((min < 0 && min != -100) || max >= classes) { // -100: PyTorch's ignore_index
                        throw new IllegalArgumentException("target labels must be in [0, " + (classes - 1) + "] for " + classes
                                + " classes, got labels from " + min + " to " + max, e);
                    }
                }
                throw TorchException.from(e);
            }
        }
    }
}
