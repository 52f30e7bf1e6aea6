package dev.torch4j.vision;

import dev.torch4j.nn.Layer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * torchvision's classification models by name ({@code resnet18}, {@code vgg16_bn}, ...), each with a
 * {@code <vgg>-features} variant for VGG's convolutional part alone. Weights: {@link Weights#imagenet(String)}.
 */
public final class Zoo {
    private static final Map<String, IntFunction<Layer>> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("vgg11", Vgg::vgg11);
        MODELS.put("vgg11_bn", Vgg::vgg11bn);
        MODELS.put("vgg13", Vgg::vgg13);
        MODELS.put("vgg13_bn", Vgg::vgg13bn);
        MODELS.put("vgg16", Vgg::vgg16);
        MODELS.put("vgg16_bn", Vgg::vgg16bn);
        MODELS.put("vgg19", Vgg::vgg19);
        MODELS.put("vgg19_bn", Vgg::vgg19bn);
        MODELS.put("resnet18", ResNet::resnet18);
        MODELS.put("resnet34", ResNet::resnet34);
        MODELS.put("resnet50", ResNet::resnet50);
        MODELS.put("resnet101", ResNet::resnet101);
    }

    /** ImageNet's 1,000 classes: the head of torchvision's pretrained weights. */
    public static final int IMAGENET_CLASSES = 1000;

    private Zoo() {}

    /** The model names, torchvision's spelling, followed by the VGG "-features" names. */
    public static List<String> names() {
        List<String> names = new java.util.ArrayList<>(MODELS.keySet());
        for (String n : MODELS.keySet()) if (n.startsWith("vgg")) names.add(n + "-features");
        return names;
    }

    public static boolean has(String name) {
        return names().contains(name);
    }

    /** A freshly initialised model with a head of {@code numClasses} (ignored for "-features" models). */
    public static Layer create(String name, int numClasses) {
        boolean featuresOnly = name.endsWith("-features");
        IntFunction<Layer> f = MODELS.get(featuresOnly ? name.substring(0, name.length() - "-features".length()) : name);
        if (f == null) throw new IllegalArgumentException("unknown zoo model '" + name + "'; known: " + String.join(", ", names()));
        if (featuresOnly) {
            Vgg vgg = (Vgg) f.apply(1);
            return vgg.features();
        }
        return f.apply(numClasses);
    }
}
