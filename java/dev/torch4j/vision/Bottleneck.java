package dev.torch4j.vision;

import dev.torch4j.nn.BatchNorm2d;
import dev.torch4j.nn.Conv2d;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.tensor.Tensor;

/**
 * ResNet50/101's block, as torchvision's (ResNet V1.5: the stride sits on the 3x3 convolution):
 * 1x1 conv to {@code planes}, 3x3 conv, 1x1 conv to 4 x {@code planes}, each with batch norm, plus the input.
 */
public final class Bottleneck extends Layer {
    static final int EXPANSION = 4;

    Bottleneck(long in, long planes, long stride, Sequential downsample) {
        register("conv1", Conv2d.of(in, planes, 1, 1, 1, false));
        register("bn1", BatchNorm2d.of(planes));
        register("conv2", Conv2d.of(planes, planes, 3, 3, 1, false).stride(stride).padding(1));
        register("bn2", BatchNorm2d.of(planes));
        register("conv3", Conv2d.of(planes, planes * EXPANSION, 1, 1, 1, false));
        register("bn3", BatchNorm2d.of(planes * EXPANSION));
        register("relu", ReLU.of());
        if (downsample != null) register("downsample", downsample);
    }

    @Override public Tensor forward(Tensor x) {
        Layer relu = child("relu");
        Tensor out = relu.call(child("bn1").call(child("conv1").call(x)));
        out = relu.call(child("bn2").call(child("conv2").call(out)));
        out = child("bn3").call(child("conv3").call(out));
        Tensor identity = namedChildren().containsKey("downsample") ? child("downsample").call(x) : x;
        return relu.call(out.add(identity));
    }
}
