package dev.torch4j.recipes;

import dev.torch4j.nn.Dropout;
import dev.torch4j.nn.Flatten;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

/**
 * Seed 002's classifiers on a pretrained VGG16 convolutional base ({@code conv_base}), one logit for two
 * classes (the seed's final Sigmoid lives in the loss, BCE-with-logits). Three ways, as the seed:
 * <ul>
 *   <li>{@link #featureExtraction}: frozen base + {@code classifier} Linear-ReLU-Dropout(0.5)-Linear, trained on
 *       features computed once ({@link FeatureExtractor#cache});</li>
 *   <li>{@link #frozenBase}: frozen base + {@code flatten} + {@code fc} Linear-ReLU-Linear, end to end with
 *       augmentation, the base run without gradients;</li>
 *   <li>{@link #fineTuned}: as frozenBase with the base's children from {@code from} on trainable.</li>
 * </ul>
 */
public final class VggTransfer extends Layer {
    private final boolean flattenModule;

    private VggTransfer(Sequential convBase, long features, boolean seedFeatureExtraction) {
        this.flattenModule = !seedFeatureExtraction;
        register("conv_base", convBase);
        convBase.freeze();
        if (seedFeatureExtraction) {
            register("classifier", Sequential.of(Linear.of(features, 256), ReLU.of(), Dropout.of(0.5), Linear.of(256, 1)));
        } else {
            register("flatten", Flatten.of());
            register("fc", Sequential.of(Linear.of(features, 256), ReLU.of(), Linear.of(256, 1)));
        }
    }

    /** s2-vgg-fe: the head is named {@code classifier} and has dropout. */
    public static VggTransfer featureExtraction(Sequential convBase, int imageSize) {
        return new VggTransfer(convBase, featureCount(convBase, imageSize), true);
    }

    /** s2-vgg-fe-aug: frozen base, head {@code fc}. */
    public static VggTransfer frozenBase(Sequential convBase, int imageSize) {
        return new VggTransfer(convBase, featureCount(convBase, imageSize), false);
    }

    /** s2-vgg-ft: the base's children from {@code from} on train with the head (seed 002: 10). */
    public static VggTransfer fineTuned(Sequential convBase, int imageSize, int from) {
        VggTransfer m = new VggTransfer(convBase, featureCount(convBase, imageSize), false);
        convBase.unfreezeFrom(from);
        return m;
    }

    /** The base's output size for square images of {@code imageSize}: 512 x 4 x 4 = 8192 for VGG16 at 150. */
    static long featureCount(Sequential convBase, int imageSize) {
        long size = imageSize, channels = 0;
        for (Layer m : convBase.children()) {
            if (m instanceof dev.torch4j.nn.MaxPool2d) size /= 2;
            if (m instanceof dev.torch4j.nn.Conv2d) channels = ((dev.torch4j.nn.Conv2d) m).outChannels();
        }
        if (size < 1) throw new IllegalArgumentException("images of " + imageSize + " px are too small for this base (pooled to nothing)");
        return channels * size * size;
    }

    public Sequential convBase() {
        return (Sequential) child("conv_base");
    }

    /** The trainable head: {@code classifier} or {@code fc}. */
    public Sequential head() {
        return (Sequential) child(flattenModule ? "fc" : "classifier");
    }

    @Override public Tensor forward(Tensor x) {
        Layer base = child("conv_base");
        Tensor f;
        if (base.trainableParameterCount() == 0) {
            try (Torch.NoGrad g = Torch.noGrad()) { // the seed's torch.no_grad() around a frozen base
                f = base.call(x);
            }
        } else {
            f = base.call(x);
        }
        return head().call(flattenModule ? child("flatten").call(f) : f.flatten(1));
    }
}
