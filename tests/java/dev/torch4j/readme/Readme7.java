package dev.torch4j.readme;

import dev.torch4j.inference.Predictor;
import dev.torch4j.tensor.Tensor;
import java.nio.file.Path;

/** README snippet 7 (Serving), compiled exactly as the README shows it (ReadmeSnippetsTest keeps the two equal). */
final class Readme7 {
    private Readme7() {}

    static void snippet(dev.torch4j.nn.Layer model, dev.torch4j.data.Pipeline evalTransforms) throws Exception {
        try (Predictor predictor = Predictor.of(model).pipeline(evalTransforms).batching(16, 2)) {
            Tensor logits = predictor.predict(Path.of("cat.jpg"));    // from any number of threads at once
        }
    }
}
