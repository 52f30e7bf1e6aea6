package dev.torch4j.readme;

import dev.torch4j.nn.*;
import dev.torch4j.tensor.*;
import java.nio.file.Path;

/** README snippet 1 (A short example), compiled exactly as the README shows it (ReadmeSnippetsTest keeps the two equal). */
final class Readme1 {
    private Readme1() {}

    static void snippet(Tensor images, Tensor labels) throws Exception {
        var model = Sequential.of(
            Conv2d.of(1, 32, 3), ReLU.of(), MaxPool2d.of(2),
            Conv2d.of(32, 64, 3), ReLU.of(), MaxPool2d.of(2),
            Conv2d.of(64, 64, 3), ReLU.of(),
            AdaptiveAvgPool2d.of(1), Flatten.of(), Linear.of(64, 10));
        System.out.println(model.summary(1, 1, 28, 28));     // 56,394 params, 2.79M mult-adds

        try (Scope scope = Scope.open()) {                   // this step's tensors are freed on close
            Tensor loss = F.crossEntropy(model.call(images), labels);
            loss.backward();                                  // gradients in p.grad() for p in model.parameters()
        }
        model.save(Path.of("model.safetensors"));            // keys as PyTorch names them: 0.weight, 0.bias, ...
    }
}
