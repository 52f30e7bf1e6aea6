package dev.torch4j.vision;

import dev.torch4j.nn.BatchNorm2d;
import dev.torch4j.nn.Conv2d;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.tensor.Tensor;

/** ResNet18/34's block, as torchvision's: 3x3 conv-BN-ReLU, 3x3 conv-BN, plus the (downsampled) input, ReLU. */
public final class BasicBlock extends Layer {
    static final int EXPANSION = 1;

    BasicBlock(long in, long planes, long stride, Sequential downsample) {
        register("conv1", Conv2d.of(in, planes, 3, 3, 1, false).stride(stride).padding(1));
        register("bn1", BatchNorm2d.of(planes));
        register("relu", ReLU.of());
        register("conv2", Conv2d.of(planes, planes, 3, 3, 1, false).padding(1));
        register("bn2", BatchNorm2d.of(planes));
        if (downsample != null) register("downsample", downsample);
    }

    @Override public Tensor forward(Tensor x) {
        Layer relu = child("relu");
        Tensor out = relu.call(child("bn1").call(child("conv1").call(x)));
        out = child("bn2").call(child("conv2").call(out));
        Tensor identity = namedChildren().containsKey("downsample") ? child("downsample").call(x) : x;
        return relu.call(out.add(identity));
    }
}
