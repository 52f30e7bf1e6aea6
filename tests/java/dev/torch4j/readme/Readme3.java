package dev.torch4j.readme;

import dev.torch4j.data.*;
import java.nio.file.Path;

/** README snippet 3 (Image folders and augmentation), compiled exactly as the README shows it (ReadmeSnippetsTest keeps the two equal). */
final class Readme3 {
    private Readme3() {}

    static void snippet() throws Exception {
        Pipeline augment = Transforms.compose(
            Transforms.resize(150, 150), Transforms.randomRotation(40),
            Transforms.randomResizedCrop(150, 150).scale(0.8, 1.2), Transforms.randomHorizontalFlip(),
            Transforms.randomAffine(0).shear(20), Transforms.colorJitter(0.2, 0.2, 0.2),
            Transforms.toTensor(), Transforms.normalize(new double[] {.5, .5, .5}, new double[] {.5, .5, .5}));
        ImageFolder train = ImageFolder.open(Path.of("cats_and_dogs/train"), augment).seed(42);  // labels: sorted folder names
        ImageFolder valid = ImageFolder.open(Path.of("cats_and_dogs/validation"),
            Transforms.compose(Transforms.resize(150, 150), Transforms.toTensor()));
    }
}
