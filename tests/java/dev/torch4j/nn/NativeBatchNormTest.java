package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static dev.torch4j.nn.LibtorchReference.leaf;
import static dev.torch4j.nn.LibtorchReference.opt;
import static dev.torch4j.nn.LibtorchReference.relDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Batch norm with batch statistics computed by the shim (NativeBatchNorm), alone and with the ReLU before it fused
 * (Sequential's ReLU + BatchNorm2d), against libtorch's relu and torch.batch_norm on the same values: output, input,
 * weight and bias gradients, and running statistics within float rounding.
 */
class NativeBatchNormTest {
    /**
     * One training call of (ReLU +) BatchNorm2d on [n, c, h, w] and its backward against libtorch's; the parameters
     * trained or frozen, the input needing its gradient or not.
     */
    private static void check(boolean relu, long n, long c, long h, long w, BatchNorm2d bn, boolean trainParameters,
                              boolean inputGrad) {
        Torch.manualSeed(5);
        if (bn.weight() != null) {
            bn.weight().handle().detach().uniform_(0.5, 1.5, new org.bytedeco.pytorch.GeneratorOptional());
            bn.bias().handle().detach().uniform_(-0.5, 0.5, new org.bytedeco.pytorch.GeneratorOptional());
            bn.weight().handle().requires_grad_(trainParameters);
            bn.bias().handle().requires_grad_(trainParameters);
        }
        org.bytedeco.pytorch.Tensor x = torch.randn(n, c, h, w).mul(new org.bytedeco.pytorch.Scalar(2.0)).add(new org.bytedeco.pytorch.Scalar(0.3));
        x.requires_grad_(inputGrad);
        org.bytedeco.pytorch.Tensor xr = leaf(x, inputGrad);
        org.bytedeco.pytorch.Tensor wr = bn.weight() == null ? null : leaf(bn.weight().handle(), trainParameters);
        org.bytedeco.pytorch.Tensor br = bn.bias() == null ? null : leaf(bn.bias().handle(), trainParameters);
        org.bytedeco.pytorch.Tensor rm = bn.runningMean() == null ? null : bn.runningMean().handle().clone();
        org.bytedeco.pytorch.Tensor rv = bn.runningVar() == null ? null : bn.runningVar().handle().clone();
        String what = (relu ? "ReLU + " : "") + "[" + n + ", " + c + ", " + h + ", " + w + "]" + (trainParameters ? "" : ", frozen")
                + (inputGrad ? "" : ", input without gradient") + (bn.weight() == null ? ", not affine" : "")
                + (rm == null ? ", no running statistics" : "");
        Sequential m = relu ? Sequential.of(ReLU.of(), bn) : Sequential.of(bn);
        int live = HookedBackward.liveCalls();
        Tensor y = m.call(Tensor.wrap(x));
        boolean graph = inputGrad || (trainParameters && bn.weight() != null);
        assertThat(HookedBackward.liveCalls() - live).as("the shim's call hooked, " + what).isEqualTo(graph ? 1 : 0);
        org.bytedeco.pytorch.Tensor in = relu ? torch.relu(xr) : xr;
        org.bytedeco.pytorch.Tensor want = torch.batch_norm(in, opt(wr), opt(br), opt(rm), opt(rv), true, 0.1, 1e-5, false);
        assertThat(relDiff(y.handle().detach(), want.detach())).as("output, " + what).isLessThan(1e-5);
        if (rm != null) {
            assertThat(relDiff(bn.runningMean().handle(), rm)).as("running mean, " + what).isLessThan(1e-5);
            assertThat(relDiff(bn.runningVar().handle(), rv)).as("running variance, " + what).isLessThan(1e-5);
        }
        if (!graph) {
            assertThat(y.requiresGrad()).as("no graph, " + what).isFalse();
            return;
        }
        org.bytedeco.pytorch.Tensor g = torch.randn_like(want);
        y.handle().mul(g).sum().backward();
        want.mul(g).sum().backward();
        assertThat(HookedBackward.liveCalls()).as("the call let go after the backward, " + what).isEqualTo(live);
        if (inputGrad) assertThat(relDiff(x.grad(), xr.grad())).as("input gradient, " + what).isLessThan(1e-5);
        if (trainParameters && bn.weight() != null) {
            assertThat(relDiff(bn.weight().grad().handle(), wr.grad())).as("weight gradient, " + what).isLessThan(1e-5);
            assertThat(relDiff(bn.bias().grad().handle(), br.grad())).as("bias gradient, " + what).isLessThan(1e-5);
        }
    }

    @Test void matchesLibtorchWithAndWithoutTheRelu() {
        for (boolean relu : new boolean[] {true, false}) {
            check(relu, 160, 4, 14, 14, BatchNorm2d.of(4), true, true);    // s0-cnn's first batch norm, smaller batch
            check(relu, 112, 8, 13, 11, BatchNorm2d.of(8), true, true);    // odd plane, 128k values
            check(relu, 70, 16, 3, 3, BatchNorm2d.of(16), true, true);     // small planes (the group of 32 samples split)
            check(relu, 40, 48, 2, 2, BatchNorm2d.of(48), true, true);
        }
    }

    @Test void frozenParametersInputWithoutGradientAndOptions() {
        check(true, 160, 4, 14, 14, BatchNorm2d.of(4), false, true);         // frozen: batch statistics still, input's gradient only
        check(false, 160, 4, 14, 14, BatchNorm2d.of(4), true, false);        // the parameters' gradients only
        check(true, 160, 4, 14, 14, BatchNorm2d.of(4), false, false);        // nothing trains: no graph, statistics updated
        check(true, 40, 32, 2, 2, BatchNorm2d.of(32, 1e-5, 0.1, false, true), true, true);  // not affine
        check(false, 40, 32, 2, 2, BatchNorm2d.of(32, 1e-5, 0.1, true, false), true, true); // no running statistics
    }

    @Test void belowTheRuleLibtorchNormalisesAndTheReluStillRuns() {
        Torch.manualSeed(3);
        org.bytedeco.pytorch.Tensor x = torch.randn(8, 4, 5, 5);
        x.requires_grad_(true);
        int live = HookedBackward.liveCalls();
        BatchNorm2d bn = BatchNorm2d.of(4);
        Tensor y = Sequential.of(ReLU.of(), bn).call(Tensor.wrap(x));
        assertThat(HookedBackward.liveCalls()).as("800 values: libtorch's batch norm").isEqualTo(live);
        org.bytedeco.pytorch.Tensor want = torch.batch_norm(torch.relu(x), opt(null), opt(null), opt(null), opt(null), true, 0.1, 1e-5, false);
        assertThat(relDiff(y.handle().detach(), want.detach())).isLessThan(1e-5);
    }

    @Test void aHookOnTheReluSeesItsOutput() {
        Torch.manualSeed(4);
        org.bytedeco.pytorch.Tensor x = torch.randn(160, 4, 14, 14);
        ReLU relu = ReLU.of();
        double[] seenMin = {-1};
        relu.registerForwardHook((module, input, output) -> {
            seenMin[0] = output.handle().min().item_double();
            return null;
        });
        Tensor y = Sequential.of(relu, BatchNorm2d.of(4)).call(Tensor.wrap(x));
        assertThat(seenMin[0]).as("the ReLU ran on its own (not fused) for its hook").isEqualTo(0.0);
        org.bytedeco.pytorch.Tensor want = torch.batch_norm(torch.relu(x), opt(null), opt(null), opt(null), opt(null), true, 0.1, 1e-5, false);
        assertThat(relDiff(y.handle().detach(), want)).isLessThan(1e-5);
    }

    @Test void evaluationUsesTheRunningStatisticsAfterTheFusedRelu() {
        Torch.manualSeed(6);
        BatchNorm2d bn = BatchNorm2d.of(4);
        bn.runningMean().handle().detach().uniform_(-0.2, 0.2, new org.bytedeco.pytorch.GeneratorOptional());
        bn.runningVar().handle().detach().uniform_(0.5, 2.0, new org.bytedeco.pytorch.GeneratorOptional());
        Sequential m = Sequential.of(ReLU.of(), bn);
        m.train(false);
        org.bytedeco.pytorch.Tensor x = torch.randn(160, 4, 14, 14);
        Tensor y = m.call(Tensor.wrap(x));
        org.bytedeco.pytorch.Tensor want = torch.batch_norm(torch.relu(x), opt(bn.weight().handle()), opt(bn.bias().handle()),
                opt(bn.runningMean().handle()), opt(bn.runningVar().handle()), false, 0.1, 1e-5, false);
        assertThat(relDiff(y.handle().detach(), want.detach())).isLessThan(1e-6);
    }

    @Test void aRetainedGraphRunsTwiceAndADroppedOneLetsGo() {
        Torch.manualSeed(7);
        int live = HookedBackward.liveCalls();
        org.bytedeco.pytorch.Tensor x = torch.randn(160, 4, 14, 14);
        x.requires_grad_(true);
        BatchNorm2d bn = BatchNorm2d.of(4);
        Tensor y = Sequential.of(ReLU.of(), bn).call(Tensor.wrap(x));
        org.bytedeco.pytorch.Tensor loss = y.handle().mul(y.handle()).sum();
        loss.backward(new org.bytedeco.pytorch.Tensor(), new org.bytedeco.pytorch.BoolOptional(true), false,
                new org.bytedeco.pytorch.TensorArrayRefOptional());
        org.bytedeco.pytorch.Tensor once = x.grad().clone();
        loss.backward();
        assertThat(relDiff(x.grad(), once.mul(new org.bytedeco.pytorch.Scalar(2.0)))).as("twice the gradient").isLessThan(1e-6);
        assertThat(HookedBackward.liveCalls()).isEqualTo(live);

        Tensor dropped = Sequential.of(ReLU.of(), BatchNorm2d.of(4)).call(Tensor.wrap(x));
        assertThat(HookedBackward.liveCalls()).isEqualTo(live + 1);
        dropped.handle().close(); // the graph's last holder
        loss.close();
        y.handle().close();
        assertThat(HookedBackward.liveCalls()).as("the call goes with its graph").isEqualTo(live);
    }

    @Test void anInputChangedInPlaceBeforeTheBackwardIsRefused() {
        org.bytedeco.pytorch.Tensor leafX = torch.randn(160, 4, 14, 14);
        leafX.requires_grad_(true);
        org.bytedeco.pytorch.Tensor x = leafX.mul(new org.bytedeco.pytorch.Scalar(1.0));
        Tensor y = BatchNorm2d.of(4).call(Tensor.wrap(x));
        try (Torch.NoGrad g = Torch.noGrad()) {
            x.add_(new org.bytedeco.pytorch.Scalar(1.0));
        }
        assertThatThrownBy(() -> y.handle().sum().backward()).hasMessageContaining("batch norm's input or weight was modified");
    }
}
