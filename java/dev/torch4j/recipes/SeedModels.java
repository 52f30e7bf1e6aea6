package dev.torch4j.recipes;

import dev.torch4j.vision.Vgg;
import dev.torch4j.vision.ResNet;
import dev.torch4j.vision.Zoo;
import dev.torch4j.nn.AdaptiveAvgPool2d;
import dev.torch4j.nn.BatchNorm2d;
import dev.torch4j.nn.Conv2d;
import dev.torch4j.nn.Dropout;
import dev.torch4j.nn.Flatten;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.MaxPool2d;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Every model of the seed tutorials, by recipe name, with the state-dict keys of its PyTorch original. */
public final class SeedModels {
    /** A named model: how to build it, the input it takes, one line about it. */
    public record Entry(String name, Supplier<Layer> factory, long[] inputShape, String description) {
        public Layer create() {
            return factory.get();
        }
    }

    private static final Map<String, Entry> MODELS = new LinkedHashMap<>();

    static {
        add("s0-cnn", SeedModels::s0Cnn, new long[] {1, 1, 28, 28}, "seed 000: stride-2 conv+ReLU+BatchNorm stack 1-4-8-16-32-64-10");
        add("s0-nn", SeedModels::s0Nn, new long[] {1, 1, 28, 28}, "seed 000: Flatten-Linear(784,128)-ReLU-Linear(128,10)");
        add("s0-catdog", SeedModels::s0CatDog, new long[] {1, 3, 128, 128}, "seed 000: cats vs dogs, stride-2 conv stack 3-6-...-384-2 with dropout");
        add("s1-a", MnistCnn::modelA, new long[] {1, 1, 28, 28}, "seed 001 model A: 2 conv 5x5 (same) + max pool + FC(1568,10)");
        add("s1-b", MnistCnn::modelB, new long[] {1, 1, 28, 28}, "seed 001 model B: as A with average pooling");
        add("s1-c", MnistCnn::modelC, new long[] {1, 1, 28, 28}, "seed 001 model C: as A with valid padding, FC(512,10)");
        add("s2-flat", SeedModels::s2Flat, new long[] {1, 1, 28, 28}, "seed 002: 3 conv + Flatten + Linear(576,64)-ReLU-Linear(64,10), 93,322 params");
        add("s2-gap", SeedModels::s2Gap, new long[] {1, 1, 28, 28}, "seed 002: 3 conv + global average pooling + Linear(64,10), 56,394 params");
        add("s2-cat", () -> new CatClassifier(false), new long[] {1, 3, 150, 150}, "seed 002: cat classifier, 4 conv + GAP + 2 FC, 307,393 params");
        add("s2-cat-aug", () -> new CatClassifier(true), new long[] {1, 3, 150, 150}, "seed 002: cat classifier with dropout (augmented recipe)");
        add("s0-resnet18", SeedModels::s0ResNet18, new long[] {1, 3, 128, 128}, "seed 000: ResNet18, all frozen, fc -> Sequential(Linear(512, 2))");
        add("s2-vgg-fe", () -> VggTransfer.featureExtraction(Vgg.features(Vgg.VGG16, false), 150), new long[] {1, 3, 150, 150},
                "seed 002: frozen VGG16 features + Linear(8192,256)-ReLU-Dropout-Linear(256,1), fast feature extraction");
        add("s2-vgg-fe-aug", () -> VggTransfer.frozenBase(Vgg.features(Vgg.VGG16, false), 150), new long[] {1, 3, 150, 150},
                "seed 002: frozen VGG16 features + Linear(8192,256)-ReLU-Linear(256,1), end to end with augmentation");
        add("s2-vgg-ft", () -> VggTransfer.fineTuned(Vgg.features(Vgg.VGG16, false), 150, 10), new long[] {1, 3, 150, 150},
                "seed 002: as s2-vgg-fe-aug with VGG16 features unfrozen from index 10");
        add("s3-lenet", LeNet::new, new long[] {1, 1, 28, 28}, "seed 003: LeNet for Fashion-MNIST");
        add("s4-sgd", SameConvNet::new, new long[] {1, 1, 28, 28}, "seed 004: 3 'same' conv + Linear(6272,10), SGD recipe");
        add("s4-adam", SameConvNet::new, new long[] {1, 1, 28, 28}, "seed 004: same model, Adam recipe");
    }

    private SeedModels() {}

    private static void add(String name, Supplier<Layer> f, long[] shape, String description) {
        MODELS.put(name, new Entry(name, f, shape, description));
    }

    public static List<Entry> all() {
        return Collections.unmodifiableList(new ArrayList<>(MODELS.values()));
    }

    /** The entry for {@code name}; the error lists the names that exist. */
    public static Entry get(String name) {
        Entry e = MODELS.get(name);
        if (e == null) throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", MODELS.keySet()));
        return e;
    }

    /** Seed 000's transfer model: torchvision's ResNet18, every parameter frozen, a new two-class head. */
    public static ResNet s0ResNet18() {
        return s0ResNet18(ResNet.resnet18(Zoo.IMAGENET_CLASSES));
    }

    /** Seed 000's transfer model from a (pretrained) ResNet18: everything frozen, fc replaced by Sequential(Linear(512, 2)). */
    public static ResNet s0ResNet18(ResNet m) {
        m.freeze();
        m.replace("fc", Sequential.of(Linear.of(m.headFeatures(), 2)));
        return m;
    }

    /** Seed 000's conv(ni, nf): Conv2d(k3, s2, p1) -> ReLU (unless last) -> BatchNorm2d. */
    public static Sequential conv(int in, int out, boolean act) {
        Conv2d c = Conv2d.of(in, out, 3).stride(2).padding(1);
        return act ? Sequential.of(c, ReLU.of(), BatchNorm2d.of(out)) : Sequential.of(c, BatchNorm2d.of(out));
    }

    public static Sequential s0Cnn() {
        return Sequential.of(conv(1, 4, true), conv(4, 8, true), conv(8, 16, true), conv(16, 32, true), conv(32, 64, true),
                conv(64, 10, false), Flatten.of());
    }

    public static Sequential s0Nn() {
        return Sequential.of(Flatten.of(), Linear.of(28 * 28, 128), ReLU.of(), Linear.of(128, 10));
    }

    public static Sequential s0CatDog() {
        return Sequential.of(conv(3, 6, true), conv(6, 12, true), conv(12, 24, true), conv(24, 48, true), Dropout.of(0.5),
                conv(48, 96, true), conv(96, 192, true), conv(192, 384, true), conv(384, 2, false), Flatten.of());
    }

    /** Seed 002's convolutional stack: 1-32-64-64 filters, 3x3, ReLU, 2x2 max pooling after the first two. */
    public static List<Layer> s2Stack() {
        return List.of(Conv2d.of(1, 32, 3), ReLU.of(), MaxPool2d.of(2, 2), Conv2d.of(32, 64, 3), ReLU.of(),
                MaxPool2d.of(2, 2), Conv2d.of(64, 64, 3), ReLU.of());
    }

    public static Sequential s2Flat() {
        List<Layer> m = new ArrayList<>(s2Stack());
        m.addAll(List.of(Flatten.of(), Linear.of(64 * 3 * 3, 64), ReLU.of(), Linear.of(64, 10)));
        return Sequential.of(m);
    }

    public static Sequential s2Gap() {
        List<Layer> m = new ArrayList<>(s2Stack());
        m.addAll(List.of(AdaptiveAvgPool2d.of(1), Flatten.of(), Linear.of(64, 10)));
        return Sequential.of(m);
    }
}
