package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/**
 * Called during backward with the gradient of the loss with respect to a module's output (what Grad-CAM
 * needs). The tensor is valid during the call only: {@code clone()} it to keep it.
 */
@FunctionalInterface
public interface BackwardHook {
    void onOutputGradient(Layer module, Tensor gradOutput);
}
