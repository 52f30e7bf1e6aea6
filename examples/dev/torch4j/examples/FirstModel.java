package dev.torch4j.examples;

import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.tensor.*;

import java.nio.file.Path;

/**
 * A first torch4j program: seed 002's global-average-pooling CNN, its summary, and a hand-written training
 * loop (zero grad, forward, loss, backward, step; the Trainer does this for you) on a toy task that needs no data set: tell images whose
 * left half is brighter from images whose right half is. Run:
 * {@code java -cp target/torch4j.jar dev.torch4j.examples.FirstModel}
 */
public final class FirstModel {
    public static void main(String[] args) {
        Torch.manualSeed(42);
        var model = Sequential.of(
                Conv2d.of(1, 32, 3), ReLU.of(), MaxPool2d.of(2),
                Conv2d.of(32, 64, 3), ReLU.of(), MaxPool2d.of(2),
                Conv2d.of(64, 64, 3), ReLU.of(),
                AdaptiveAvgPool2d.of(1), Flatten.of(), Linear.of(64, 10));
        System.out.println(model.summary(1, 1, 28, 28));  // 56,394 parameters, as seed 002 prints

        Optimizer optimizer = Sgd.of(0.05).on(model);
        for (int step = 1; step <= 60; step++) {
            try (Scope scope = Scope.open()) {           // frees this step's tensors when it closes
                Tensor labels = Tensor.randint(2, 32);    // 0: left half brighter, 1: right half brighter
                Tensor images = toyImages(labels);
                optimizer.zeroGrad();                     // the plain loop: zero grad, forward, loss,
                Tensor loss = F.crossEntropy(model.call(images), labels);
                loss.backward();                          // backward,
                optimizer.step();                         // step

                if (step % 10 == 0) {
                    double accuracy = model.call(images).argmax(1).eq(labels).float32().mean().item();
                    System.out.printf("step %d  loss %.4f  batch accuracy %.2f%n", step, loss.item(), accuracy);
                }
            }
        }
        Path weights = Path.of("first-model.safetensors");
        model.save(weights);
        System.out.println("weights saved to " + weights.toAbsolutePath() + " (keys as PyTorch names them: "
                + model.stateDict().keySet().iterator().next() + ", ...)");
    }

    /** Noise images whose left (label 0) or right (label 1) half is brighter. */
    private static Tensor toyImages(Tensor labels) {
        long n = labels.size(0);
        Tensor noise = Tensor.rand(n, 1, 28, 28);
        Tensor right = labels.float32().reshape(n, 1, 1, 1);            // 1 where the right half is bright
        Tensor columns = Tensor.arange(0.0, 28.0, 1.0).ge(14).float32(); // 0 on the left, 1 on the right
        Tensor bright = right.mul(columns).add(right.neg().add(1).mul(columns.neg().add(1)));
        return noise.add(bright.mul(0.5));
    }
}
