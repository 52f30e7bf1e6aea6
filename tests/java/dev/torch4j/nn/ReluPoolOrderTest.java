package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Sequential runs ReLU followed by max pooling as pooling followed by ReLU. Checked against libtorch's own kernels
 * in the declared order (relu, then max_pool2d): the same values bit for bit, the same input gradient, on inputs with
 * ties, windows without a positive value and NaN; and a hook on either module restores the declared order.
 */
class ReluPoolOrderTest {
    private static final long[] ONE = {1, 1};

    /** Small integers (many ties, whole windows at or below zero), a NaN, and a window of negatives only. */
    private static Tensor awkward(long... shape) {
        org.bytedeco.pytorch.Tensor t = torch.randint(-3, 4, shape).to(torch.ScalarType.Float);
        t.view(-1).narrow(0, 5, 1).fill_(new org.bytedeco.pytorch.Scalar(Double.NaN));
        t.narrow(0, 0, 1).narrow(1, 0, 1).narrow(2, 0, 3).narrow(3, 0, 3).fill_(new org.bytedeco.pytorch.Scalar(-2.0));
        return Tensor.wrap(t);
    }

    private static org.bytedeco.pytorch.Tensor finite(org.bytedeco.pytorch.Tensor t) {
        return torch.nan_to_num(t, new DoubleOptional(99.0), new DoubleOptional(), new DoubleOptional());
    }

    /** Output and input gradient (of sum(y * g)) of the Sequential, and of libtorch's relu then max_pool2d. */
    private static void check(long kernel, long stride, long padding, boolean ceil, long... shape) {
        Torch.manualSeed(11);
        Tensor x = awkward(shape);
        MaxPool2d pool = MaxPool2d.of(kernel, stride, padding, 1, ceil);
        Sequential seq = Sequential.of(ReLU.of(), pool);

        org.bytedeco.pytorch.Tensor leaf = x.handle().detach().clone();
        leaf.requires_grad_(true);
        Tensor y = seq.call(Tensor.wrap(leaf));
        org.bytedeco.pytorch.Tensor g = torch.randn_like(y.handle());
        y.handle().mul(g).sum().backward();

        org.bytedeco.pytorch.Tensor ref = x.handle().detach().clone();
        ref.requires_grad_(true);
        long[] k = {kernel, kernel}, s = {stride, stride}, p = {padding, padding};
        org.bytedeco.pytorch.Tensor want = torch.max_pool2d(torch.relu(ref), k, s, p, ONE, ceil);
        want.mul(g).sum().backward();

        String geometry = "kernel " + kernel + " stride " + stride + " padding " + padding + " ceil " + ceil;
        assertThat(y.shape()).as(geometry).containsExactly(Tensor.wrap(want).shape());
        assertThat(torch.equal(finite(y.handle().detach()), finite(want.detach()))).as("values, " + geometry).isTrue();
        assertThat(torch.isnan(y.handle()).sum().item_long()).as("NaN kept, " + geometry).isPositive();
        double diff = finite(leaf.grad()).sub(finite(ref.grad())).abs().max().item_double();
        if (stride >= kernel) assertThat(diff).as("gradient, " + geometry).isZero(); // one window per input: no sums
        else assertThat(diff).as("gradient, " + geometry).isLessThanOrEqualTo(1e-6); // overlapping windows sum in their own order
    }

    @Test void sameValuesAndGradientAsReluThenPool() {
        check(2, 2, 0, false, 4, 3, 12, 12);
        check(2, 2, 0, false, 2, 3, 13, 11); // odd sizes: the last row and column fall outside every window
        check(2, 2, 0, true, 2, 3, 13, 11); // ceil mode: partial windows
        check(3, 2, 1, false, 2, 4, 17, 17); // overlapping windows with padding (ResNet's stem)
    }

    @Test void aHookOnEitherModuleKeepsTheDeclaredOrder() {
        Torch.manualSeed(5);
        Tensor x = Tensor.randn(2, 3, 8, 8);
        ReLU relu = ReLU.of();
        Sequential seq = Sequential.of(relu, MaxPool2d.of(2));
        Tensor fused = seq.call(x);
        List<long[]> seen = new ArrayList<>();
        HookHandle h = relu.registerForwardHook((m, in, out) -> {
            seen.add(out.shape());
            return null;
        });
        Tensor declared = seq.call(x);
        h.remove();
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).containsExactly(2, 3, 8, 8); // the ReLU's own output, before the pooling
        assertThat(torch.equal(fused.handle(), declared.handle())).isTrue();
        // a hook on the pooling: it is handed the ReLU's output (no negative value), not the raw input
        MaxPool2d pool = MaxPool2d.of(2);
        Sequential hooked = Sequential.of(ReLU.of(), pool);
        List<Double> smallest = new ArrayList<>();
        HookHandle hp = pool.registerForwardPreHook((m, in) -> {
            smallest.add(in.handle().min().item_double());
            return null;
        });
        Tensor viaPoolHook = hooked.call(x);
        hp.remove();
        assertThat(x.handle().min().item_double()).isNegative();
        assertThat(smallest).containsExactly(0.0);
        assertThat(torch.equal(viaPoolHook.handle(), fused.handle())).isTrue();
        // and through Sequential.run, as the seed-001 model calls it
        assertThat(torch.equal(Sequential.run(x, relu, MaxPool2d.of(2)).handle(), declared.handle())).isTrue();
    }
}
