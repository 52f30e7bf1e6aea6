package dev.torch4j.vision;

import dev.torch4j.nn.AdaptiveAvgPool2d;
import dev.torch4j.nn.BatchNorm2d;
import dev.torch4j.nn.Conv2d;
import dev.torch4j.nn.Dropout;
import dev.torch4j.nn.Init;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.MaxPool2d;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * VGG as torchvision builds it: {@code features} (3x3 convolutions, optional batch norm, ReLU, 2x2 max pools),
 * {@code avgpool} (adaptive, 7x7), {@code classifier} (Linear-ReLU-Dropout twice, then Linear), with
 * torchvision's state-dict keys ({@code features.0.weight}, {@code classifier.6.bias}) and initialisation.
 * {@code Vgg.vgg16(1000)} loads torchvision's ImageNet weights; {@code vgg16(2)} has a fresh two-class head.
 */
public final class Vgg extends Layer {
    /** torchvision's configurations: channel counts, "M" for a max pool. */
    public static final String VGG11 = "64 M 128 M 256 256 M 512 512 M 512 512 M";
    public static final String VGG13 = "64 64 M 128 128 M 256 256 M 512 512 M 512 512 M";
    public static final String VGG16 = "64 64 M 128 128 M 256 256 256 M 512 512 512 M 512 512 512 M";
    public static final String VGG19 = "64 64 M 128 128 M 256 256 256 256 M 512 512 512 512 M 512 512 512 512 M";

    /**
     * A VGG of configuration {@code config} ("64 M 128 M ..."), with batch norm after each convolution or not,
     * a classifier of {@code hidden} units (4096 in torchvision) and {@code numClasses} outputs.
     */
    public Vgg(String config, boolean batchNorm, int numClasses, int hidden) {
        if (numClasses <= 0 || hidden <= 0) throw new IllegalArgumentException("numClasses and hidden must be positive, got " + numClasses + ", " + hidden);
        register("features", features(config, batchNorm));
        register("avgpool", AdaptiveAvgPool2d.of(7, 7));
        long channels = lastChannels(config);
        register("classifier", Sequential.of(
                Linear.of(channels * 7 * 7, hidden), ReLU.of(), Dropout.of(0.5),
                Linear.of(hidden, hidden), ReLU.of(), Dropout.of(0.5),
                Linear.of(hidden, numClasses)));
        initialise(this);
    }

    public static Vgg vgg11(int numClasses) { return new Vgg(VGG11, false, numClasses, 4096); }
    public static Vgg vgg13(int numClasses) { return new Vgg(VGG13, false, numClasses, 4096); }
    public static Vgg vgg16(int numClasses) { return new Vgg(VGG16, false, numClasses, 4096); }
    public static Vgg vgg19(int numClasses) { return new Vgg(VGG19, false, numClasses, 4096); }
    public static Vgg vgg11bn(int numClasses) { return new Vgg(VGG11, true, numClasses, 4096); }
    public static Vgg vgg13bn(int numClasses) { return new Vgg(VGG13, true, numClasses, 4096); }
    public static Vgg vgg16bn(int numClasses) { return new Vgg(VGG16, true, numClasses, 4096); }
    public static Vgg vgg19bn(int numClasses) { return new Vgg(VGG19, true, numClasses, 4096); }

    /** torchvision's {@code make_layers}: the convolutional part alone (torchvision's {@code vgg16().features}). */
    public static Sequential features(String config, boolean batchNorm) {
        List<Layer> layers = new ArrayList<>();
        long in = 3;
        for (String item : config.trim().split("\\s+")) {
            if (item.equals("M")) {
                layers.add(MaxPool2d.of(2, 2));
                continue;
            }
            long out;
            try {
                out = Long.parseLong(item);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("VGG configuration item '" + item + "' is neither a channel count nor M in \"" + config + "\"");
            }
            layers.add(Conv2d.of(in, out, 3).padding(1));
            if (batchNorm) layers.add(BatchNorm2d.of(out));
            layers.add(ReLU.of());
            in = out;
        }
        Sequential s = Sequential.of(layers);
        initialise(s);
        return s;
    }

    private static long lastChannels(String config) {
        String[] items = config.trim().split("\\s+");
        for (int i = items.length - 1; i >= 0; i--) if (!items[i].equals("M")) return Long.parseLong(items[i]);
        throw new IllegalArgumentException("VGG configuration without convolutions: \"" + config + "\"");
    }

    /** torchvision's VGG init: conv kaiming-normal (fan out), batch norm 1/0, linear N(0, 0.01) with zero bias. */
    private static void initialise(Layer m) {
        for (Layer layer : m.modules()) {
            if (layer instanceof Conv2d) {
                Init.kaimingNormalFanOut(((Conv2d) layer).weight());
                if (((Conv2d) layer).bias() != null) Init.constant(((Conv2d) layer).bias(), 0);
            } else if (layer instanceof BatchNorm2d) {
                Init.constant(((BatchNorm2d) layer).weight(), 1);
                Init.constant(((BatchNorm2d) layer).bias(), 0);
            } else if (layer instanceof Linear) {
                Init.normal(((Linear) layer).weight(), 0, 0.01);
                Init.constant(((Linear) layer).bias(), 0);
            }
        }
    }

    public Sequential features() {
        return (Sequential) child("features");
    }

    public Sequential classifier() {
        return (Sequential) child("classifier");
    }

    @Override public Tensor forward(Tensor x) {
        Tensor f = child("avgpool").call(child("features").call(x));
        return child("classifier").call(f.flatten(1));
    }
}
