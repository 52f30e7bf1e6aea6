package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/** Called after a module's forward; return a replacement output, or null to keep it. */
@FunctionalInterface
public interface ForwardHook {
    Tensor afterForward(Layer module, Tensor input, Tensor output);
}
