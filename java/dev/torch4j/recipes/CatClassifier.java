package dev.torch4j.recipes;

import dev.torch4j.nn.AdaptiveAvgPool2d;
import dev.torch4j.nn.Conv2d;
import dev.torch4j.nn.Dropout;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.MaxPool2d;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.tensor.Tensor;

/**
 * Seed 002's CatImageClassifier (307,393 parameters): four 3x3 conv + ReLU + max-pool stages (32, 64,
 * 128, 128 filters), global average pooling, then Linear(128, 512)-ReLU-(Dropout 0.5)-Linear(512, 1).
 * One logit: train with BCE-with-logits. Keys: conv_layers.N, fc_layers.N.
 */
public final class CatClassifier extends Layer {
    final Sequential convLayers, fcLayers;

    public CatClassifier(boolean dropout) {
        convLayers = register("conv_layers", Sequential.of(
                Conv2d.of(3, 32, 3), ReLU.of(), MaxPool2d.of(2, 2),
                Conv2d.of(32, 64, 3), ReLU.of(), MaxPool2d.of(2, 2),
                Conv2d.of(64, 128, 3), ReLU.of(), MaxPool2d.of(2, 2),
                Conv2d.of(128, 128, 3), ReLU.of(), MaxPool2d.of(2, 2),
                AdaptiveAvgPool2d.of(1)));
        fcLayers = register("fc_layers", dropout
                ? Sequential.of(Linear.of(128, 512), ReLU.of(), Dropout.of(0.5), Linear.of(512, 1))
                : Sequential.of(Linear.of(128, 512), ReLU.of(), Linear.of(512, 1)));
    }

    @Override public Tensor forward(Tensor x) {
        x = convLayers.call(x);
        return fcLayers.call(x.reshape(x.size(0), -1));
    }
}
