package dev.torch4j.cli;

import dev.torch4j.nn.Sequential;
import dev.torch4j.nn.StateDict;
import dev.torch4j.tensor.Scope;
import dev.torch4j.vision.ResNet;
import dev.torch4j.vision.SeedModels;
import dev.torch4j.vision.Vgg;
import dev.torch4j.vision.Weights;
import dev.torch4j.vision.Zoo;

import java.nio.file.Path;

/** The transfer recipes' models with their pretrained weights loaded. */
final class TransferModels {
    private TransferModels() {}

    /** Seed 000: ResNet18 with ImageNet weights, then frozen with a new two-class head. */
    static ResNet s0ResNet18(Path weights) {
        return SeedModels.s0ResNet18(Weights.load(ResNet.resnet18(Zoo.IMAGENET_CLASSES), weights));
    }

    /**
     * VGG16's convolutional part with ImageNet weights, from a full VGG16 state dict (torchvision's file) or one of
     * the features alone (keys 0.weight ...).
     */
    static Sequential vgg16Features(Path weights) {
        try (Scope s = Scope.open()) {
            StateDict sd = StateDict.load(weights);
            if (sd.containsKey("features.0.weight")) return Weights.load(Vgg.vgg16(Zoo.IMAGENET_CLASSES), sd, weights).features();
            return Weights.load(Vgg.features(Vgg.VGG16, false), sd, weights);
        }
    }

}
