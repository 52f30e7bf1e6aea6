package dev.torch4j.recipes;

import dev.torch4j.nn.Conv2d;
import dev.torch4j.nn.Flatten;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.tensor.Tensor;

/** Seed 004's ConvNet: three 3x3 "same" convolutions (32, 16, 8 filters) with ReLU, Flatten, Linear(6272, 10). Keys: seq.N. */
public final class SameConvNet extends Layer {
    final Sequential seq;

    public SameConvNet() {
        seq = register("seq", Sequential.of(
                Conv2d.of(1, 32, 3).padding("same"), ReLU.of(),
                Conv2d.of(32, 16, 3).padding("same"), ReLU.of(),
                Conv2d.of(16, 8, 3).padding("same"), ReLU.of(),
                Flatten.of(), Linear.of(8 * 28 * 28, 10)));
    }

    @Override public Tensor forward(Tensor x) {
        return seq.call(x);
    }
}
