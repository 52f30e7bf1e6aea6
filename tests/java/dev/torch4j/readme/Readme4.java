package dev.torch4j.readme;

import dev.torch4j.data.*;
import dev.torch4j.tensor.Tensor;

/** README snippet 4 (A transform of your own), compiled exactly as the README shows it (ReadmeSnippetsTest keeps the two equal). */
final class Readme4 {
    private Readme4() {}

    static void snippet() throws Exception {
        Transform.Lambda cutout = Transforms.lambda("cutout", (img, random) -> {
            Tensor out = img.clone();
            int y = random.nextInt((int) img.size(1) - 8), x = random.nextInt((int) img.size(2) - 8);
            out.narrow(1, y, 8).narrow(2, x, 8).fill_(0);
            return out;
        });
        Pipeline p = Transforms.compose(Transforms.resize(150, 150), cutout, Transforms.normalize(new double[] {.5, .5, .5}, new double[] {.5, .5, .5}));
    }
}
