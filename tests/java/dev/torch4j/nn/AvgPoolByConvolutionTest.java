package dev.torch4j.nn;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Average pooling as a depthwise convolution against libtorch's pooling kernel: values to float rounding, equal gradients. */
class AvgPoolByConvolutionTest {
    private static void check(Tensor x, long[] k, long[] s, long[] p, boolean ceil, boolean countPad) {
        Tensor leaf = Tensor.wrap(x.handle().detach().clone());
        leaf.handle().requires_grad_(true);
        Tensor y = AvgPoolByConvolution.pool(leaf, k, s, p, ceil, countPad);
        assertThat(y).as("the convolution pools kernel %s stride %s padding %s", Arrays.toString(k), Arrays.toString(s), Arrays.toString(p)).isNotNull();
        org.bytedeco.pytorch.Tensor in = x.handle().detach().clone();
        in.requires_grad_(true);
        org.bytedeco.pytorch.Tensor ref = torch.avg_pool2d(in, k, s, p, ceil, countPad, new LongOptional());
        assertThat(y.shape()).containsExactly(ref.sizes().vec().get());
        double scale = ref.abs().max().item_double();
        assertThat(y.handle().sub(ref).abs().max().item_double()).as("values, kernel %s stride %s padding %s", Arrays.toString(k), Arrays.toString(s), Arrays.toString(p))
                .isLessThanOrEqualTo(1e-6 * scale);
        org.bytedeco.pytorch.Tensor g = torch.randn_like(ref);
        y.handle().mul(g).sum().backward();
        ref.mul(g).sum().backward();
        // equal where 1 / (kh * kw) is a power of two; otherwise the product by 1/9 and libtorch's division by 9 may round apart
        assertThat(leaf.handle().grad().sub(in.grad()).abs().max().item_double()).as("gradient, kernel %s stride %s padding %s",
                Arrays.toString(k), Arrays.toString(s), Arrays.toString(p)).isLessThanOrEqualTo(1e-6 * in.grad().abs().max().item_double());
    }

    @Test void equalsLibtorchWhereEveryWindowDividesByItsSize() {
        Torch.manualSeed(5);
        long[] zero = {0, 0};
        check(Tensor.randn(4, 16, 28, 28), new long[] {2, 2}, new long[] {2, 2}, zero, false, true);
        check(Tensor.randn(2, 3, 13, 11), new long[] {2, 2}, new long[] {2, 2}, zero, false, false); // odd: last row dropped
        check(Tensor.randn(2, 3, 12, 12), new long[] {2, 2}, new long[] {2, 2}, zero, true, true);  // ceil, nothing cut
        check(Tensor.randn(2, 3, 9, 10), new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1}, false, true); // blur-like
        check(Tensor.randn(1, 2, 15, 16), new long[] {3, 2}, new long[] {2, 1}, new long[] {1, 0}, false, true);
        check(Tensor.randn(2, 3, 8, 8).to(DType.FLOAT64), new long[] {2, 2}, new long[] {2, 2}, zero, false, true);
    }

    @Test void leavesUnequalDivisorsToLibtorch() {
        long[] k = {2, 2}, one = {1, 1};
        assertThat(AvgPoolByConvolution.pool(Tensor.randn(2, 3, 8, 8), k, k, one, false, false)).as("padding not counted").isNull();
        assertThat(AvgPoolByConvolution.pool(Tensor.randn(2, 3, 13, 13), k, k, new long[] {0, 0}, true, true))
                .as("ceil mode with a window cut short").isNull();
        assertThat(AvgPoolByConvolution.pool(Tensor.randn(2, 3, 8, 8).transpose(2, 3), k, k, new long[] {0, 0}, false, true))
                .as("strided").isNull();
        assertThat(AvgPoolByConvolution.pool(Tensor.randn(3, 8, 8), k, k, new long[] {0, 0}, false, true)).as("unbatched").isNull();
        // through the layer, those still pool as PyTorch does (libtorch's kernel)
        Tensor x = Tensor.randn(2, 3, 13, 13);
        Tensor y = AvgPool2d.of(2, 2, 0, true, true).call(x);
        assertThat(torch.equal(y.handle(), torch.avg_pool2d(x.handle(), k, k, new long[] {0, 0}, true, true, new LongOptional()))).isTrue();
    }
}
