package dev.torch4j.recipes;

import dev.torch4j.nn.Conv2d;
import dev.torch4j.nn.F;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Tensor;

/** Seed 003's LeNet: conv(1,6,5)-pool-ReLU, conv(6,16,5)-pool-ReLU, FC 256-120-84-classes. */
public final class LeNet extends Layer {
    final Conv2d conv1, conv2;
    final Linear fc1, fc2, fc3;

    public LeNet(int classes) {
        conv1 = register("conv1", Conv2d.of(1, 6, 5));
        conv2 = register("conv2", Conv2d.of(6, 16, 5));
        fc1 = register("fc_1", Linear.of(16 * 4 * 4, 120));
        fc2 = register("fc_2", Linear.of(120, 84));
        fc3 = register("fc_3", Linear.of(84, classes));
    }

    public LeNet() {
        this(10);
    }

    @Override public Tensor forward(Tensor x) {
        x = F.relu(F.maxPool2d(conv1.call(x), 2));
        x = F.relu(F.maxPool2d(conv2.call(x), 2));
        x = x.reshape(x.size(0), -1);
        return fc3.call(F.relu(fc2.call(F.relu(fc1.call(x)))));
    }
}
