package dev.torch4j.recipes;

import dev.torch4j.nn.Sequential;
import dev.torch4j.vision.ResNet;

import dev.torch4j.vision.Vgg;
import dev.torch4j.vision.Weights;
import dev.torch4j.vision.Zoo;

import java.nio.file.Path;

/** The transfer recipes' models with their pretrained weights loaded. */
public final class TransferModels {
    private TransferModels() {}

    /** Seed 000: ResNet18 with ImageNet weights, then frozen with a new two-class head. */
    public static ResNet s0ResNet18(Path weights) {
        return SeedModels.s0ResNet18(Weights.load(ResNet.resnet18(Zoo.IMAGENET_CLASSES), weights));
    }

    public static Sequential vgg16Features(Path weights) {
        return Weights.vggFeatures(Vgg.VGG16, false, weights);
    }
}
