package dev.torch4j.nn;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shim's max pooling of contiguous tensors against libtorch's own kernel (an independent implementation of the
 * same rule): values and indices equal, gradients equal, on inputs with ties, NaN and -inf, for every geometry the
 * layer accepts; and the cases that must stay with libtorch.
 */
class NativeMaxPoolTest {
    private static final long[] ZERO = {0, 0}, ONE = {1, 1};

    /** libtorch's values and gradient (of sum(y * g)) for the same pooling. */
    private static Tensor[] reference(Tensor x, Tensor g, long[] k, long[] s, long[] p, long[] d, boolean ceil) {
        org.bytedeco.pytorch.Tensor in = x.handle().detach().clone();
        in.requires_grad_(true);
        org.bytedeco.pytorch.Tensor y = torch.max_pool2d(in, k, s, p, d, ceil); // not max_pool2d_with_indices(...).get0(): a reference into a tuple the GC may free
        y.mul(g.handle()).sum().backward();
        return new Tensor[] {Tensor.wrap(y.detach()), Tensor.wrap(in.grad())};
    }

    private static void check(Tensor x, long[] k, long[] s, long[] p, long[] d, boolean ceil) {
        Tensor leaf = Tensor.wrap(x.handle().detach().clone());
        leaf.handle().requires_grad_(true);
        Tensor y = NativeMaxPool.pool(leaf, k, s, p, d, ceil);
        assertThat(y).as("the shim pools a contiguous float tensor").isNotNull();
        Tensor g = Tensor.wrap(torch.randn_like(y.handle()));
        Tensor[] ref = reference(x, g, k, s, p, d, ceil);
        assertThat(y.shape()).containsExactly(ref[0].shape());
        assertThat(torch.equal(torch.nan_to_num(y.handle().detach(), new org.bytedeco.pytorch.DoubleOptional(7.0),
                new org.bytedeco.pytorch.DoubleOptional(), new org.bytedeco.pytorch.DoubleOptional()),
                torch.nan_to_num(ref[0].handle(), new org.bytedeco.pytorch.DoubleOptional(7.0),
                        new org.bytedeco.pytorch.DoubleOptional(), new org.bytedeco.pytorch.DoubleOptional())))
                .as("values, kernel %s stride %s padding %s dilation %s ceil %b", Arrays.toString(k), Arrays.toString(s), Arrays.toString(p), Arrays.toString(d), ceil).isTrue();
        y.handle().mul(g.handle()).sum().backward();
        double diff = leaf.handle().grad().sub(ref[1].handle()).abs().max().item_double();
        assertThat(diff).as("gradient, kernel %s stride %s padding %s dilation %s ceil %b", Arrays.toString(k), Arrays.toString(s), Arrays.toString(p),
                Arrays.toString(d), ceil).isLessThanOrEqualTo(1e-6);
    }

    /** Small integers after a ReLU: many ties (zeros and equal values), so the choice among equals is checked. */
    private static Tensor ties(long... shape) {
        return Tensor.wrap(torch.relu(torch.randint(-3, 4, shape).to(torch.ScalarType.Float)));
    }

    @Test void equalsLibtorchOnEveryGeometry() {
        Torch.manualSeed(3);
        check(Tensor.randn(4, 3, 24, 24), new long[] {2, 2}, new long[] {2, 2}, ZERO, ONE, false);
        check(ties(4, 3, 24, 24), new long[] {2, 2}, new long[] {2, 2}, ZERO, ONE, false);
        check(ties(2, 3, 13, 11), new long[] {2, 2}, new long[] {2, 2}, ZERO, ONE, false); // odd sizes: last row dropped
        check(ties(2, 3, 13, 11), new long[] {2, 2}, new long[] {2, 2}, ZERO, ONE, true); // ceil: partial windows
        check(ties(2, 4, 17, 17), new long[] {3, 3}, new long[] {2, 2}, ONE, ONE, false); // ResNet's stem: overlaps
        check(ties(2, 2, 15, 16), new long[] {3, 2}, new long[] {1, 2}, new long[] {1, 0}, new long[] {2, 1}, false);
        check(Tensor.randn(1, 5, 9, 9), new long[] {4, 4}, new long[] {3, 3}, new long[] {2, 1}, ONE, true);
        check(ties(3, 1, 28, 28), new long[] {2, 2}, new long[] {2, 2}, ZERO, ONE, false); // one channel
    }

    @Test void splitOverLibtorchsOpenMpTeamAsLibtorchPools() {
        // on Linux libtorch has loaded libgomp, so the shim finds it and hands the planes to the caller's team; elsewhere
        // the shim starts its own threads and the results must be the same
        if (System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            assertThat(dev.torch4j.shim.Shim.usesOpenMpTeam()).as("the shim runs on libtorch's OpenMP team").isTrue();
        }
        int threads = torch.get_num_threads();
        torch.set_num_threads(2);
        try {
            Torch.manualSeed(5);
            // 15 planes of 96 x 96 (138 Ki inputs): two workers, chunks of 8 and 7 planes
            check(ties(3, 5, 96, 96), new long[] {2, 2}, new long[] {2, 2}, ZERO, ONE, false);
            check(ties(3, 5, 96, 96), new long[] {3, 3}, new long[] {2, 2}, ONE, ONE, true);
        } finally {
            torch.set_num_threads(threads);
        }
    }

    @Test void nanWinsAndMinusInfinityKeepsTheFirstIndex() {
        // one plane of 2 x 4: window 1 holds a NaN after a larger value, window 2 only -inf
        float inf = Float.NEGATIVE_INFINITY;
        Tensor x = Tensor.of(new float[] {5, Float.NaN, inf, inf, 1, 2, inf, inf}, 1, 1, 2, 4);
        check(x, new long[] {2, 2}, new long[] {2, 2}, ZERO, ONE, false);
        Tensor y = NativeMaxPool.pool(x, new long[] {2, 2}, new long[] {2, 2}, ZERO, ONE, false);
        assertThat(Float.isNaN(y.handle().select(3, 0).item_float())).isTrue();
        assertThat(y.handle().select(3, 1).item_float()).isEqualTo(inf);
        // the gradient of the -inf window goes to its first input, as libtorch's does
        check(Tensor.of(new float[] {inf, inf, inf, inf}, 1, 1, 2, 2), new long[] {2, 2}, new long[] {2, 2}, ZERO, ONE, false);
    }

    @Test void withoutGradientTheKernelsValuesAreReturned() {
        Tensor x = ties(2, 3, 8, 8);
        Tensor y;
        try (var off = Torch.noGrad()) {
            Tensor leaf = Tensor.wrap(x.handle().detach().clone());
            leaf.handle().requires_grad_(true);
            y = NativeMaxPool.pool(leaf, new long[] {2, 2}, new long[] {2, 2}, ZERO, ONE, false);
        }
        assertThat(y.handle().requires_grad()).isFalse();
        assertThat(torch.equal(y.handle(), torch.max_pool2d(x.handle(), new long[] {2, 2}, new long[] {2, 2}, ZERO, ONE, false))).isTrue();
    }

    @Test void leavesOtherTensorsToLibtorch() {
        long[] k = {2, 2};
        assertThat(NativeMaxPool.pool(Tensor.randn(2, 3, 8, 8).to(DType.FLOAT64), k, k, ZERO, ONE, false)).as("float64").isNull();
        assertThat(NativeMaxPool.pool(Tensor.randn(2, 3, 8, 8).transpose(2, 3), k, k, ZERO, ONE, false)).as("strided").isNull();
        assertThat(NativeMaxPool.pool(Tensor.randn(3, 8, 8), k, k, ZERO, ONE, false)).as("unbatched").isNull();
        assertThat(NativeMaxPool.pool(Tensor.randn(2, 3, 8, 8), k, k, new long[] {2, 0}, ONE, false)).as("padding above half").isNull();
        assertThat(NativeMaxPool.pool(Tensor.randn(2, 3, 1, 1), k, k, ZERO, ONE, false)).as("empty output").isNull();
        // and libtorch reports a bad geometry given to the functional form itself
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> F.maxPool2d(Tensor.randn(2, 3, 8, 8), k, k, new long[] {2, 2}, ONE, false))
                .hasMessageContaining("pad should be at most half of effective kernel size");
    }

    @Test void outputSizeFollowsPyTorch() {
        assertThat(NativeMaxPool.outputSize(13, 2, 2, 0, 1, false)).isEqualTo(6);
        assertThat(NativeMaxPool.outputSize(13, 2, 2, 0, 1, true)).isEqualTo(7);
        assertThat(NativeMaxPool.outputSize(112, 3, 2, 1, 1, false)).isEqualTo(56);
        // ceil mode never starts a window in the padding: 5 + pad 1, kernel 2 stride 2 -> 3, not 4
        assertThat(NativeMaxPool.outputSize(5, 2, 2, 1, 1, true)).isEqualTo(3);
    }
}
