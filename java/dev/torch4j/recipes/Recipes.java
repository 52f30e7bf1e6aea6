package dev.torch4j.recipes;

import dev.torch4j.recipes.Recipe.Norm;
import dev.torch4j.optim.Adam;
import dev.torch4j.optim.Sgd;
import dev.torch4j.optim.StepLR;

import dev.torch4j.data.Pipeline;
import dev.torch4j.data.Transform;
import dev.torch4j.data.Transforms;



import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The recipes of the tutorials (seeds 000-004), by name, as the CLI and the examples run them: MNIST-type ones and cats-vs-dogs ones on an image folder. */
public final class Recipes {
    private static final Map<String, Recipe> ALL = new LinkedHashMap<>();
    private static final Map<String, ImageRecipe> IMAGES = new LinkedHashMap<>();
    private static final Transform IMAGENET = Transforms.normalize(new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});
    private static final Transform HALF = Transforms.normalize(new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5});

    static {
        add(new Recipe("s0-cnn", "000", "stride-2 conv+BatchNorm CNN, SGD 0.06, batch 512, 10 epochs, 90/10 split",
                SeedModels::s0Cnn, () -> Sgd.of(0.06), 512, 10, 0, 0, Norm.FIXED_MNIST, 0.1, 42, true, false, true));
        add(new Recipe("s0-nn", "000", "MLP 784-128-10, SGD 0.06, batch 512, 10 epochs, 90/10 split",
                SeedModels::s0Nn, () -> Sgd.of(0.06), 512, 10, 0, 0, Norm.FIXED_MNIST, 0.1, 42, true, false, true));
        for (String m : List.of("a", "b", "c")) {
            add(new Recipe("s1-" + m, "001", "model " + m.toUpperCase() + ", SGD 0.01, batch 100, 3,000 iterations, test accuracy every 500",
                    SeedModels.get("s1-" + m).factory(), () -> Sgd.of(0.01), 100, 0, 3000, 500, Norm.NONE, 0, 0, true, false, true));
        }
        add(new Recipe("s2-flat", "002", "3 conv + Flatten + 2 FC, Adam 1e-3, batch 64, 10 epochs, 55,000/5,000 split, data statistics",
                SeedModels::s2Flat, () -> Adam.of(1e-3), 64, 10, 0, 0, Norm.FROM_DATA, 5000 / 60000.0, 42, true, false, true));
        add(new Recipe("s2-gap", "002", "3 conv + global average pooling, Adam 1e-3, batch 64, 10 epochs, 55,000/5,000 split",
                SeedModels::s2Gap, () -> Adam.of(1e-3), 64, 10, 0, 0, Norm.FROM_DATA, 5000 / 60000.0, 42, true, false, true));
        add(new Recipe("s3-lenet", "003", "LeNet on Fashion-MNIST, Adam, batch 64, 10 epochs, 90/10 split (seed 1234), best valid loss kept",
                SeedModels.get("s3-lenet").factory(), () -> Adam.of(1e-3), 64, 10, 0, 0, Norm.FROM_DATA, 0.1, 1234, true, false, false));
        add(new Recipe("s4-sgd", "004", "3 'same' conv + FC on Fashion-MNIST, SGD 0.001, batch 128, 25 epochs, in order, report",
                SeedModels.get("s4-sgd").factory(), () -> Sgd.of(1e-3), 128, 25, 0, 0, Norm.NONE, 0, 0, false, true, false));
        add(new Recipe("s4-adam", "004", "same model, Adam 0.001, batch 128, 15 epochs, in order, classification report",
                SeedModels.get("s4-adam").factory(), () -> Adam.of(1e-3), 128, 15, 0, 0, Norm.NONE, 0, 0, false, true, false));

        // Seed 000 applies its augmentation to the test images too; here only training images are augmented.
        Pipeline s0Train = Transforms.compose(Transforms.resize(128, 128), Transforms.randomHorizontalFlip(), Transforms.randomRotation(10),
                Transforms.colorJitter(0.1, 0.1, 0), Transforms.grayscale(3), Transforms.toTensor());
        Pipeline s0Eval = Transforms.compose(Transforms.resize(128, 128), Transforms.grayscale(3), Transforms.toTensor());
        add(new ImageRecipe("s0-catdog", "000", "cats vs dogs, stride-2 conv+BatchNorm CNN 3-6-...-384-2, 128x128 grey x3, SGD 0.06, batch 512, 20 epochs",
                SeedModels::s0CatDog, () -> Sgd.of(0.06), 512, 20, s0Train, s0Eval, false));
        add(new ImageRecipe("s0-resnet18", "000", "cats vs dogs, ImageNet ResNet18 all frozen (batch norms update their statistics, as in PyTorch), new fc Linear(512,2), SGD 0.06 on fc, StepLR(5, 0.1), batch 512, 25 epochs",
                TransferModels::s0ResNet18, () -> Sgd.of(0.06), 512, 25, s0Train, s0Eval, false, "resnet18",
                o -> StepLR.of(o, 5, 0.1), false).channelsLast());
        Pipeline plain = Transforms.compose(Transforms.resize(150, 150), Transforms.toTensor());
        add(new ImageRecipe("s2-cat", "002", "cats vs dogs, 4 conv + GAP + 2 FC (307,393 params), 150x150, Adam 1e-3, BCE, batch 64, 50 epochs",
                () -> new CatClassifier(false), () -> Adam.of(1e-3), 64, 50, plain, plain, true).channelsLast());
        Pipeline normalized = Transforms.compose(Transforms.resize(150, 150), Transforms.toTensor(), HALF);
        add(new ImageRecipe("s2-cat-aug", "002", "the same with dropout, augmentation, normalisation .5 and weight decay 1e-4, 50 epochs",
                () -> new CatClassifier(true), () -> Adam.of(1e-3).weightDecay(1e-4), 64, 50,
                Transforms.compose(Transforms.resize(150, 150), Transforms.randomRotation(40),
                        Transforms.randomResizedCrop(150, 150).scale(0.8, 1.2), Transforms.randomHorizontalFlip(),
                        Transforms.randomAffine(0).shear(20), Transforms.colorJitter(0.2, 0.2, 0.2), Transforms.toTensor(), HALF),
                normalized, true).channelsLast());
        // Seed 002's transfer recipes: VGG16 ImageNet features, ImageNet normalisation, Adam 1e-4, batch 32, 30 epochs.
        Pipeline imagenet = Transforms.compose(Transforms.resize(150, 150), Transforms.toTensor(), IMAGENET);
        Pipeline imagenetAug = Transforms.compose(Transforms.resize(150, 150), Transforms.randomRotation(40),
                Transforms.randomResizedCrop(150, 150).scale(0.8, 1.2), Transforms.randomHorizontalFlip(),
                Transforms.randomAffine(0).shear(20), Transforms.colorJitter(0.2, 0.2, 0.2), Transforms.toTensor(), IMAGENET);
        add(new ImageRecipe("s2-vgg-fe", "002", "fast feature extraction: VGG16 features computed once, head Linear(8192,256)-ReLU-Dropout-Linear(256,1) trained on them",
                w -> VggTransfer.featureExtraction(TransferModels.vgg16Features(w), 150), () -> Adam.of(1e-4), 32, 30, imagenet, imagenet, true,
                "vgg16", null, true).channelsLast());
        add(new ImageRecipe("s2-vgg-fe-aug", "002", "frozen VGG16 base + head Linear(8192,256)-ReLU-Linear(256,1), end to end with augmentation",
                w -> VggTransfer.frozenBase(TransferModels.vgg16Features(w), 150), () -> Adam.of(1e-4), 32, 30, imagenetAug, imagenet, true,
                "vgg16", null, false).channelsLast());
        add(new ImageRecipe("s2-vgg-ft", "002", "fine-tuning: as s2-vgg-fe-aug with VGG16 features unfrozen from index 10",
                w -> VggTransfer.fineTuned(TransferModels.vgg16Features(w), 150, 10), () -> Adam.of(1e-4), 32, 30, imagenetAug, imagenet, true,
                "vgg16", null, false).channelsLast());
    }

    private Recipes() {}

    private static void add(Recipe r) {
        ALL.put(r.name(), r);
    }

    private static void add(ImageRecipe r) {
        IMAGES.put(r.name(), r);
    }

    public static List<Recipe> all() {
        return List.copyOf(ALL.values());
    }

    public static List<ImageRecipe> images() {
        return List.copyOf(IMAGES.values());
    }

    /** The MNIST-type recipe of that name, or null (an image recipe, or none). */
    public static Recipe get(String name) {
        return ALL.get(name);
    }

    /** Every recipe's name: the MNIST-type ones, then the image ones. */
    public static List<String> names() {
        List<String> known = new java.util.ArrayList<>(ALL.keySet());
        known.addAll(IMAGES.keySet());
        return known;
    }

    /** The image recipe of that name, or null. */
    public static ImageRecipe image(String name) {
        return IMAGES.get(name);
    }
}
