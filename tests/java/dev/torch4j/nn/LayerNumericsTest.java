package dev.torch4j.nn;

import dev.torch4j.io.StateDict;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.junit.jupiter.api.Test;

import static dev.torch4j.nn.Fixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

/** Layers against PyTorch 1.13.1 outputs (fixtures/layers.safetensors), to 1e-5. */
class LayerNumericsTest {
    private static final double TOL = 1e-5;
    private final StateDict fx = Fixtures.load("layers.safetensors");

    private Tensor fx(String key) {
        Tensor t = fx.get(key);
        assertThat(t).as("fixture " + key).isNotNull();
        return t;
    }

    private void checkConv(String name, Conv2d conv) {
        conv.weight().copy_(fx(name + ".weight"));
        if (conv.bias() != null) conv.bias().copy_(fx(name + ".bias"));
        assertClose(conv.call(fx(name + ".input")), fx(name + ".output"), TOL);
    }

    @Test void convolutions() {
        checkConv("conv_basic", Conv2d.of(3, 4, 3));
        checkConv("conv_stride_pad", Conv2d.of(3, 5, 3).stride(2).padding(1));
        checkConv("conv_dilation", Conv2d.of(2, 3, 3).dilation(2).padding(1, 2));
        checkConv("conv_groups_nobias", Conv2d.of(4, 6, 3, 3, 2, false));
        checkConv("conv_same", Conv2d.of(1, 3, 3).padding("same"));
        checkConv("conv_rect", Conv2d.of(2, 2, 3, 5, 1, true).stride(1, 2));
    }

    @Test void linear() {
        Linear l = Linear.of(5, 3);
        l.weight().copy_(fx("linear.weight"));
        l.bias().copy_(fx("linear.bias"));
        assertClose(l.call(fx("linear.input")), fx("linear.output"), TOL);
    }

    @Test void pools() {
        Tensor x = fx("pool.input");
        assertClose(MaxPool2d.of(2).call(x), fx("pool.max2"), TOL);
        assertClose(MaxPool2d.of(3, 2, 1, 1, false).call(x), fx("pool.max3s2p1"), TOL);
        assertClose(AvgPool2d.of(2).call(x), fx("pool.avg2"), TOL);
        assertClose(AvgPool2d.of(3, 1).call(x), fx("pool.avg3s1"), TOL);
        assertClose(AdaptiveAvgPool2d.of(1).call(x), fx("pool.adaptive1"), TOL);
        assertClose(AdaptiveAvgPool2d.of(2, 3).call(x), fx("pool.adaptive2x3"), TOL);
    }

    @Test void batchNormInTrainingAndEvaluation() {
        BatchNorm2d bn = BatchNorm2d.of(3);
        bn.weight().copy_(fx("bn.weight"));
        bn.bias().copy_(fx("bn.bias"));
        bn.train();
        assertClose(bn.call(fx("bn.input1")), fx("bn.train_output1"), TOL);
        assertClose(bn.call(fx("bn.input2")), fx("bn.train_output2"), TOL);
        assertClose(bn.runningMean(), fx("bn.running_mean"), TOL);
        assertClose(bn.runningVar(), fx("bn.running_var"), TOL);
        assertThat(bn.stateDict().get("num_batches_tracked").itemLong()).isEqualTo(fx("bn.num_batches_tracked").itemLong());
        bn.eval();
        assertClose(bn.call(fx("bn.input1")), fx("bn.eval_output"), TOL);
    }

    @Test void activationsAndDropoutInEvaluation() {
        Tensor x = fx("act.input");
        assertClose(ReLU.of().call(x), fx("act.relu"), TOL);
        assertClose(LeakyReLU.of(0.1).call(x), fx("act.leaky_relu"), TOL);
        assertClose(Sigmoid.of().call(x), fx("act.sigmoid"), TOL);
        assertClose(Tanh.of().call(x), fx("act.tanh"), TOL);
        assertClose(Softmax.of(1).call(x), fx("act.softmax"), TOL);
        assertClose(F.logSoftmax(x, 1), fx("act.log_softmax"), TOL);
        Dropout d = Dropout.of(0.5);
        d.eval();
        assertClose(d.call(x), fx("act.dropout_eval"), TOL);
    }

    @Test void dropoutInTrainingZeroesAndRescales() {
        Dropout d = Dropout.of(0.25);
        float[] y = d.call(Tensor.ones(10_000)).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0) zeros++;
            else assertThat(v).isEqualTo(1 / 0.75f);
        }
        assertThat(zeros).isBetween(2300, 2700);
    }

    @Test void oneBackwardPassOfASmallNet() {
        Sequential net = Sequential.of(Conv2d.of(2, 4, 3).padding(1), BatchNorm2d.of(4), ReLU.of(), MaxPool2d.of(2), Flatten.of(),
                Linear.of(4 * 3 * 3, 5));
        StateDict params = new StateDict();
        for (String k : net.stateDict().keySet()) params.put(k, fx("net.param." + k));
        net.loadStateDict(params, true);
        net.train();
        Tensor x = fx("net.input").clone().requiresGrad(true);
        Tensor loss = F.crossEntropy(net.call(x), fx("net.target"));
        loss.backward();
        assertClose(loss, fx("net.loss"), TOL);
        assertClose(x.grad(), fx("net.input_grad"), TOL);
        for (var e : net.namedParameters().entrySet()) assertClose(e.getValue().grad(), fx("net.grad." + e.getKey()), TOL);
    }

    @Test void defaultInitialisationDrawsWhatPyTorchDraws() {
        StateDict init = Fixtures.load("init.safetensors");
        Torch.manualSeed(42);
        Linear lin = Linear.of(6, 4);
        Conv2d conv = Conv2d.of(3, 2, 3);
        assertClose(lin.weight(), init.get("linear.weight"), 1e-7);
        assertClose(lin.bias(), init.get("linear.bias"), 1e-7);
        assertClose(conv.weight(), init.get("conv.weight"), 1e-7);
        assertClose(conv.bias(), init.get("conv.bias"), 1e-7);
    }
}
