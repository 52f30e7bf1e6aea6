package dev.torch4j.nn;

import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static dev.torch4j.nn.LibtorchReference.leaf;
import static dev.torch4j.nn.LibtorchReference.opt;
import static dev.torch4j.nn.LibtorchReference.relDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * First layers (inputs of 1-3 channels that need no gradient) convolved by the shim (FewChannelConv), against
 * libtorch's torch.conv2d on the same values: the output and the weight's and bias's gradients within float rounding,
 * whether the gradient comes from the shim (one input channel, few outputs) or from libtorch's backward.
 */
class FewChannelConvTest {
    /** Output and gradients (of sum(y * g)) against torch.conv2d's, with the weight and the bias trained or frozen. */
    private static void check(long in, long out, long kernel, long stride, long padding, boolean bias, boolean trainWeight,
                              boolean trainBias, long n, long h, long w) {
        Torch.manualSeed(11);
        Conv2d conv = Conv2d.of(in, out, kernel, kernel, 1, bias).stride(stride).padding(padding);
        conv.weight().handle().requires_grad_(trainWeight);
        if (bias) conv.bias().handle().requires_grad_(trainBias);
        org.bytedeco.pytorch.Tensor x = torch.randn(n, in, h, w);
        org.bytedeco.pytorch.Tensor wr = leaf(conv.weight().handle(), trainWeight), br = bias ? leaf(conv.bias().handle(), trainBias) : null;
        long[] s = {stride, stride}, p = {padding, padding}, d = {1, 1};
        String what = in + "->" + out + " kernel " + kernel + " stride " + stride + " padding " + padding + " at " + h + "x" + w
                + (trainWeight ? "" : ", weight frozen") + (bias && !trainBias ? ", bias frozen" : "") + (bias ? "" : ", no bias");
        assertThat(FewChannelConv.conv2d(Tensor.wrap(x), conv.weight(), conv.bias(), s, p, d, 1)).as("the shim's path, " + what).isNotNull();

        int live = HookedBackward.liveCalls();
        Tensor y = conv.call(Tensor.wrap(x));
        boolean trained = trainWeight || (bias && trainBias);
        assertThat(HookedBackward.liveCalls() - live).as("calls hooked, " + what).isEqualTo(trained ? 1 : 0);
        org.bytedeco.pytorch.Tensor want = torch.conv2d(x, wr, opt(br), s, p, d, 1);
        assertThat(y.shape()).as(what).containsExactly(Tensor.wrap(want).shape());
        assertThat(relDiff(y.handle().detach(), want.detach())).as("output, " + what).isLessThan(1e-5);
        if (!trained) {
            assertThat(y.handle().requires_grad()).as("no graph, " + what).isFalse();
            return;
        }
        org.bytedeco.pytorch.Tensor g = torch.randn_like(y.handle());
        y.handle().mul(g).sum().backward();
        want.mul(g).sum().backward();
        assertThat(HookedBackward.liveCalls()).as("the call let go after the backward, " + what).isEqualTo(live);
        if (trainWeight) assertThat(relDiff(conv.weight().grad().handle(), wr.grad())).as("weight gradient, " + what).isLessThan(1e-5);
        else assertThat(conv.weight().grad()).as("no weight gradient, " + what).isNull();
        if (bias && trainBias) assertThat(relDiff(conv.bias().grad().handle(), br.grad())).as("bias gradient, " + what).isLessThan(1e-5);
    }

    @Test void firstLayersMatchLibtorch() {
        check(1, 4, 3, 2, 1, true, true, true, 96, 28, 28);    // s0-cnn's first layer: the shim's gradient
        check(1, 6, 5, 1, 0, true, true, true, 20, 28, 28);    // LeNet's: the shim's gradient
        check(3, 6, 3, 2, 1, true, true, true, 6, 32, 32);     // s0-catdog's: libtorch's gradient (three channels)
        check(1, 8, 3, 3, 2, true, true, true, 7, 13, 11);     // stride 3, odd sizes, libtorch's gradient (8 outputs)
        check(2, 5, 5, 2, 2, false, true, false, 9, 17, 12);   // no bias, five outputs (one block and a part)
        check(3, 32, 3, 1, 0, true, true, true, 2, 66, 66);    // many outputs on a large plane
    }

    @Test void frozenParametersGetNoGradientAndNoneNeedsNoGraph() {
        check(1, 4, 3, 2, 1, true, false, true, 40, 28, 28);   // the bias alone trained: it carries the token
        check(1, 4, 3, 2, 1, true, true, false, 40, 28, 28);   // the weight alone
        check(3, 6, 3, 2, 1, true, false, true, 4, 32, 32);    // the bias alone, libtorch's gradient
        check(2, 7, 3, 2, 1, true, true, false, 4, 32, 32);    // the weight alone, libtorch's gradient (7 outputs)
        check(1, 4, 3, 2, 1, true, false, false, 40, 28, 28);  // nothing trained: the shim's forward, no graph
    }

    @Test void outsideTheRuleLibtorchConvolves() {
        long[] s = {1, 1}, p = {1, 1}, d = {1, 1};
        Conv2d wide = Conv2d.of(1, 16, 3);
        assertThat(FewChannelConv.conv2d(Tensor.randn(4, 1, 28, 28), wide.weight(), wide.bias(), s, p, d, 1)).as("16 outputs on 28x28").isNull();
        Conv2d four = Conv2d.of(4, 4, 3);
        assertThat(FewChannelConv.conv2d(Tensor.randn(4, 4, 28, 28), four.weight(), four.bias(), s, p, d, 1)).as("four input channels").isNull();
        Conv2d first = Conv2d.of(1, 4, 3);
        assertThat(FewChannelConv.conv2d(Tensor.randn(4, 1, 28, 28).requiresGrad(true), first.weight(), first.bias(), s, p, d, 1))
                .as("an input that needs its gradient").isNull();
        assertThat(FewChannelConv.conv2d(Tensor.randn(4, 1, 28, 28), first.weight(), first.bias(), s, p, new long[] {2, 2}, 1)).as("dilation").isNull();
        assertThat(FewChannelConv.conv2d(Tensor.randn(4, 1, 28, 28), first.weight(), first.bias(), s, new long[] {3, 3}, d, 1))
                .as("padding not below the kernel").isNull();
        assertThat(FewChannelConv.conv2d(Tensor.randn(4, 1, 28, 28), first.weight(), first.bias(), new long[] {0, 1}, p, d, 1))
                .as("a zero stride: libtorch's message").isNull();
        assertThat(FewChannelConv.conv2d(Tensor.randn(4, 1, 28, 28).to(dev.torch4j.tensor.DType.FLOAT64), first.weight(), first.bias(), s, p, d, 1))
                .as("float64").isNull();
        Conv2d rgb = Conv2d.of(3, 4, 3);
        Tensor channelsLast = Tensor.wrap(torch.randn(4, 3, 28, 28).contiguous(torch.MemoryFormat.ChannelsLast));
        assertThat(channelsLast.handle().stride(1)).isEqualTo(1);
        assertThat(FewChannelConv.conv2d(channelsLast, rgb.weight(), rgb.bias(), s, p, d, 1)).as("a channels-last input").isNull();
        assertThat(FewChannelConv.conv2d(Tensor.randn(4, 3, 28, 28), rgb.weight(), rgb.bias(), s, p, d, 1)).as("the same, NCHW").isNotNull();
    }

    @Test void twoCallsInOneGraphAndTwoBackwardsOfARetainedGraph() {
        Torch.manualSeed(12);
        Conv2d conv = Conv2d.of(1, 4, 3).stride(2).padding(1);
        org.bytedeco.pytorch.Tensor a = torch.randn(64, 1, 28, 28), b = torch.randn(64, 1, 28, 28);
        org.bytedeco.pytorch.Tensor wr = leaf(conv.weight().handle(), true), br = leaf(conv.bias().handle(), true);
        Scalar two = new Scalar(2.0);
        // side by side: the two calls' hooks must not swap their output gradients
        org.bytedeco.pytorch.Tensor loss = conv.call(Tensor.wrap(a)).handle().mul(two).sum().add(conv.call(Tensor.wrap(b)).handle().pow(two).sum());
        loss.backward(new org.bytedeco.pytorch.Tensor(), new org.bytedeco.pytorch.BoolOptional(true), false, new org.bytedeco.pytorch.TensorArrayRefOptional());
        loss.backward(); // the retained graph's hooks run again: gradients double
        long[] s = {2, 2}, p = {1, 1}, d = {1, 1};
        org.bytedeco.pytorch.Tensor want = torch.conv2d(a, wr, opt(br), s, p, d, 1).mul(two).sum().add(torch.conv2d(b, wr, opt(br), s, p, d, 1).pow(two).sum());
        want.mul(two).backward();
        assertThat(relDiff(conv.weight().grad().handle(), wr.grad())).as("weight").isLessThan(1e-5);
        assertThat(relDiff(conv.bias().grad().handle(), br.grad())).as("bias").isLessThan(1e-5);
    }

    @Test void theCallGoesWithItsGraph() {
        Conv2d conv = Conv2d.of(1, 4, 3).stride(2).padding(1);
        Tensor x = Tensor.randn(64, 1, 28, 28);
        int before = HookedBackward.liveCalls();
        try (Scope s = Scope.open()) {
            conv.call(x).sum();
            assertThat(HookedBackward.liveCalls()).as("while the graph lives").isEqualTo(before + 1);
        }
        assertThat(HookedBackward.liveCalls()).as("a graph dropped without backward").isEqualTo(before);
        try (Torch.NoGrad g = Torch.noGrad(); Scope s = Scope.open()) {
            Tensor y = conv.call(x);
            assertThat(HookedBackward.liveCalls()).as("no graph").isEqualTo(before);
            assertThat(y.handle().requires_grad()).isFalse();
        }
    }

    @Test void aChangedInputOrWeightBeforeTheBackwardIsAnError() {
        Conv2d conv = Conv2d.of(1, 4, 3).stride(2).padding(1);
        Tensor x = Tensor.randn(64, 1, 28, 28);
        try (Scope s = Scope.open()) {
            Tensor loss = conv.call(x).sum();
            try (Torch.NoGrad g = Torch.noGrad()) {
                conv.weight().handle().mul_(new Scalar(2.0));
            }
            assertThatThrownBy(loss::backward).hasMessageContaining("modified by an in-place operation").hasMessageContaining("weight");
        }
        try (Scope s = Scope.open()) {
            Tensor loss = conv.call(x).sum();
            x.handle().add_(new Scalar(1.0));
            assertThatThrownBy(loss::backward).hasMessageContaining("modified by an in-place operation").hasMessageContaining("input");
        }
    }
}
