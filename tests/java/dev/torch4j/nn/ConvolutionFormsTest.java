package dev.torch4j.nn;

import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static dev.torch4j.nn.LibtorchReference.leaf;
import static dev.torch4j.nn.LibtorchReference.relDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The convolutions and batch norms that torch4j computes another way than libtorch's default call: strided
 * convolutions whose input gradient the shim computes (NativeConvGrad), convolutions with a 1x1 output as matrix
 * products, batch norm on small planes through the channels-last kernel. Each against libtorch's plain call
 * (torch.conv2d, torch.batch_norm) on the same values: outputs and every gradient within float rounding.
 */
class ConvolutionFormsTest {
    /** max |a - b| / max(|b|, 1e-3): the sums run in another order. */
    /**
     * Conv2d's output and gradients (of sum(y * g)) against torch.conv2d's; {@code hooked}: whether the shim's input
     * gradient must be the one in use (the shapes are chosen above NativeConvGrad's size limits).
     */
    private static void checkConv(boolean hooked, long in, long out, long kernel, long stride, long padding, boolean bias, long n, long h, long w) {
        Torch.manualSeed(3);
        Conv2d conv = Conv2d.of(in, out, kernel, kernel, 1, bias).stride(stride).padding(padding);
        org.bytedeco.pytorch.Tensor x0 = torch.randn(n, in, h, w);
        org.bytedeco.pytorch.Tensor x = leaf(x0, true), xr = leaf(x0, true);
        org.bytedeco.pytorch.Tensor wr = leaf(conv.weight().handle(), true), br = bias ? leaf(conv.bias().handle(), true) : null;

        int live = HookedBackward.liveCalls();
        Tensor y = conv.call(Tensor.wrap(x));
        assertThat(HookedBackward.liveCalls() - live).as("calls hooked").isEqualTo(hooked ? 1 : 0);
        boolean oneByOne = y.size(2) == 1 && y.size(3) == 1;
        assertThat(ConvolutionForms.matrixProduct(Tensor.wrap(x0), conv.weight(), conv.bias(), new long[] {stride, stride},
                new long[] {padding, padding}, new long[] {1, 1}, 1) != null).as("a matrix product").isEqualTo(oneByOne);
        org.bytedeco.pytorch.Tensor g = torch.randn_like(y.handle());
        y.handle().mul(g).sum().backward();
        org.bytedeco.pytorch.Tensor want = torch.conv2d(xr, wr, br == null ? new TensorOptional() : new TensorOptional(br),
                new long[] {stride, stride}, new long[] {padding, padding}, new long[] {1, 1}, 1);
        want.mul(g).sum().backward();

        String what = in + "->" + out + " kernel " + kernel + " stride " + stride + " padding " + padding + " at " + h + "x" + w;
        assertThat(y.shape()).as(what).containsExactly(Tensor.wrap(want).shape());
        assertThat(relDiff(y.handle().detach(), want.detach())).as("output, " + what).isLessThan(1e-5);
        assertThat(relDiff(x.grad(), xr.grad())).as("input gradient, " + what).isLessThan(1e-5);
        assertThat(relDiff(conv.weight().grad().handle(), wr.grad())).as("weight gradient, " + what).isLessThan(1e-5);
        if (bias) assertThat(relDiff(conv.bias().grad().handle(), br.grad())).as("bias gradient, " + what).isLessThan(1e-5);
    }

    @Test void stridedConvolutionsMatchLibtorch() {
        checkConv(true, 4, 8, 3, 2, 1, true, 80, 14, 14);    // s0-cnn's second layer
        checkConv(true, 1, 4, 3, 2, 1, true, 150, 28, 28);   // one input channel
        checkConv(true, 16, 32, 3, 2, 1, false, 60, 4, 4);   // no bias
        checkConv(true, 3, 5, 5, 3, 2, true, 200, 11, 10);   // stride 3, kernel 5, odd sizes
        checkConv(true, 6, 4, 3, 2, 0, true, 400, 9, 7);     // no padding, non-square
        checkConv(true, 8, 16, 3, 2, 1, true, 64, 7, 7);     // s0-cnn's third layer: weight gradient on channels-last copies
        checkConv(true, 12, 24, 3, 2, 1, false, 8, 32, 32);  // s0-catdog's third, no bias
        assertThat(NativeConvGrad.weightGradChannelsLast(8) && NativeConvGrad.weightGradChannelsLast(12)).isTrue();
        assertThat(NativeConvGrad.weightGradChannelsLast(4) || NativeConvGrad.weightGradChannelsLast(16)).isFalse();
        checkConv(false, 4, 8, 3, 2, 1, true, 6, 14, 14);    // too little work for the hooks: libtorch's backward
        checkConv(false, 4, 8, 3, 1, 1, true, 80, 14, 14);   // stride 1: libtorch's backward
    }

    @Test void oneByOneOutputsAsMatrixProductsMatchLibtorch() {
        checkConv(false, 32, 64, 3, 2, 1, true, 7, 2, 2);   // s0-cnn's fifth layer: 2x2 -> 1x1, four taps
        checkConv(false, 64, 10, 3, 2, 1, true, 7, 1, 1);   // s0-cnn's last: the centre tap only
        checkConv(false, 8, 3, 3, 1, 0, false, 4, 3, 3);    // the kernel covers the input
        checkConv(false, 5, 6, 3, 4, 1, true, 3, 3, 3);     // stride beyond the input: rows past kernel - padding unused
        checkConv(false, 4, 4, 5, 2, 2, true, 2, 2, 3);     // padding 2, non-square input
    }

    @Test void frozenWeightsStillGiveTheInputItsGradient() {
        // with neither weight nor bias trained, nothing carries the hooks' lifetime: libtorch's own backward
        Torch.manualSeed(4);
        Conv2d conv = Conv2d.of(4, 8, 3).stride(2).padding(1);
        conv.freeze();
        org.bytedeco.pytorch.Tensor x0 = torch.randn(120, 4, 10, 10), x = leaf(x0, true), xr = leaf(x0, true);
        int live = HookedBackward.liveCalls();
        Tensor y = conv.call(Tensor.wrap(x));
        assertThat(HookedBackward.liveCalls()).as("not hooked").isEqualTo(live);
        y.handle().sum().backward();
        torch.conv2d(xr, conv.weight().handle(), new TensorOptional(conv.bias().handle()), new long[] {2, 2},
                new long[] {1, 1}, new long[] {1, 1}, 1).sum().backward();
        assertThat(relDiff(x.grad(), xr.grad())).isLessThan(1e-5);
    }

    @Test void oneLayerTwiceInOneGraphAndTwoBackwardsOfARetainedGraph() {
        Torch.manualSeed(5);
        Conv2d conv = Conv2d.of(3, 6, 3).stride(2).padding(1);
        org.bytedeco.pytorch.Tensor a0 = torch.randn(400, 3, 8, 8), b0 = torch.randn(400, 3, 8, 8);
        org.bytedeco.pytorch.Tensor a = leaf(a0, true), b = leaf(b0, true), ar = leaf(a0, true), br = leaf(b0, true);
        org.bytedeco.pytorch.Tensor wr = leaf(conv.weight().handle(), true), biasr = leaf(conv.bias().handle(), true);
        // side by side: the two calls' hooks must not swap their output gradients
        org.bytedeco.pytorch.Tensor loss = conv.call(Tensor.wrap(a)).handle().mul(torch.full(new long[] {1}, new org.bytedeco.pytorch.Scalar(2.0)))
                .sum().add(conv.call(Tensor.wrap(b)).handle().pow(new org.bytedeco.pytorch.Scalar(2)).sum());
        loss.backward(new org.bytedeco.pytorch.Tensor(), new org.bytedeco.pytorch.BoolOptional(true), false, new org.bytedeco.pytorch.TensorArrayRefOptional());
        loss.backward(); // the retained graph's hooks run again: gradients double
        long[] s = {2, 2}, p = {1, 1}, d = {1, 1};
        org.bytedeco.pytorch.Tensor want = torch.conv2d(ar, wr, new TensorOptional(biasr), s, p, d, 1).mul(torch.full(new long[] {1}, new org.bytedeco.pytorch.Scalar(2.0)))
                .sum().add(torch.conv2d(br, wr, new TensorOptional(biasr), s, p, d, 1).pow(new org.bytedeco.pytorch.Scalar(2)).sum());
        want.mul(torch.full(new long[] {1}, new org.bytedeco.pytorch.Scalar(2.0))).backward();
        assertThat(relDiff(a.grad(), ar.grad())).as("first call's input").isLessThan(1e-5);
        assertThat(relDiff(b.grad(), br.grad())).as("second call's input").isLessThan(1e-5);
        assertThat(relDiff(conv.weight().grad().handle(), wr.grad())).as("weight").isLessThan(1e-5);
    }

    @Test void theHooksGoWithTheirGraph() {
        Torch.manualSeed(6);
        Conv2d conv = Conv2d.of(2, 4, 3).stride(2).padding(1);
        Tensor x = Tensor.randn(1600, 2, 6, 6).requiresGrad(true);
        int before = HookedBackward.liveCalls();
        try (Scope s = Scope.open()) {
            conv.call(x).sum().backward();  // after the weight's backward, the token is freed
        }
        assertThat(HookedBackward.liveCalls()).as("after a backward").isEqualTo(before);
        try (Scope s = Scope.open()) {
            conv.call(x).sum();
            assertThat(HookedBackward.liveCalls()).as("while the graph lives").isEqualTo(before + 1);
        }
        assertThat(HookedBackward.liveCalls()).as("a graph dropped without backward").isEqualTo(before);
        try (Torch.NoGrad g = Torch.noGrad(); Scope s = Scope.open()) {
            conv.call(x);
            assertThat(HookedBackward.liveCalls()).as("no graph: libtorch's convolution").isEqualTo(before);
        }
    }

    @Test void batchNormOnSmallPlanesMatchesLibtorch() {
        for (long[] shape : new long[][] {{64, 32, 2, 2}, {16, 48, 1, 4}, {9, 32, 2, 1}, {12, 16, 3, 3}}) {
            Torch.manualSeed(7);
            long c = shape[1];
            BatchNorm2d bn = BatchNorm2d.of(c);
            org.bytedeco.pytorch.Tensor x0 = torch.randn(shape), x = leaf(x0, true), xr = leaf(x0, true);
            org.bytedeco.pytorch.Tensor wr = leaf(bn.weight().handle().add(new org.bytedeco.pytorch.Scalar(0.5)), true), br = leaf(bn.bias().handle().add(new org.bytedeco.pytorch.Scalar(0.25)), true);
            try (Torch.NoGrad g = Torch.noGrad()) {
                bn.weight().handle().copy_(wr.detach());
                bn.bias().handle().copy_(br.detach());
            }
            org.bytedeco.pytorch.Tensor rm = torch.zeros(c), rv = torch.ones(c);
            assertThat(BatchNorm2d.smallPlanes(Tensor.wrap(x0))).as("through the channels-last copy").isTrue();
            org.bytedeco.pytorch.Tensor below = x.mul(new org.bytedeco.pytorch.Scalar(1.0)); // a layer's output, not a leaf
            boolean[] arrivedContiguous = {false}; // as it arrives (retain_grad and leaves store a contiguous copy)
            org.bytedeco.pytorch.VoidTensorHook seen = new org.bytedeco.pytorch.VoidTensorHook() {
                @Override public void call(org.bytedeco.pytorch.TensorBase g) {
                    arrivedContiguous[0] = g.is_contiguous();
                }
            };
            seen.retainReference();
            below.register_hook(seen);
            Tensor y = bn.call(Tensor.wrap(below));
            org.bytedeco.pytorch.Tensor gy = torch.randn(shape);
            y.handle().mul(gy).sum().backward();
            org.bytedeco.pytorch.Tensor want = torch.batch_norm(xr, new TensorOptional(wr), new TensorOptional(br), new TensorOptional(rm),
                    new TensorOptional(rv), true, 0.1, 1e-5, false);
            want.mul(gy).sum().backward();
            String what = java.util.Arrays.toString(shape);
            assertThat(y.handle().is_contiguous()).as("contiguous result, " + what).isTrue();
            assertThat(relDiff(y.handle().detach(), want.detach())).as("output, " + what).isLessThan(1e-5);
            assertThat(relDiff(x.grad(), xr.grad())).as("input gradient, " + what).isLessThan(1e-5);
            // the layer below gets its gradient in its own (contiguous) layout, not the copy's channels-last one
            assertThat(arrivedContiguous[0]).as("input gradient contiguous, " + what).isTrue();
            assertThat(relDiff(bn.weight().grad().handle(), wr.grad())).as("weight gradient, " + what).isLessThan(1e-5);
            assertThat(relDiff(bn.bias().grad().handle(), br.grad())).as("bias gradient, " + what).isLessThan(1e-5);
            assertThat(relDiff(bn.runningVar().handle(), rv)).as("running variance, " + what).isLessThan(1e-6);
            assertThat(relDiff(bn.runningMean().handle(), rm)).as("running mean, " + what).isLessThan(1e-6);
        }
    }

    @Test void aWeightChangedInPlaceBeforeTheBackwardIsAnError() {
        // libtorch refuses a saved tensor modified in place; the shim's path, which keeps the weight itself, must too
        Torch.manualSeed(8);
        Conv2d conv = Conv2d.of(4, 8, 3).stride(2).padding(1);
        Tensor x = Tensor.randn(80, 4, 14, 14).requiresGrad(true);
        try (Scope s = Scope.open()) {
            Tensor loss = conv.call(x).sum();
            try (Torch.NoGrad g = Torch.noGrad()) {
                conv.weight().handle().mul_(new org.bytedeco.pytorch.Scalar(2.0));
            }
            assertThatThrownBy(loss::backward).hasMessageContaining("modified by an in-place operation").hasMessageContaining("weight");
        }
    }
}
