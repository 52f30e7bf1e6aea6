package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/** Called before a module's forward; return a replacement input, or null to keep it. */
@FunctionalInterface
public interface ForwardPreHook {
    Tensor beforeForward(Layer module, Tensor input);
}
