package dev.torch4j.recipes;

import dev.torch4j.nn.AvgPool2d;
import dev.torch4j.nn.Conv2d;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.MaxPool2d;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.tensor.Tensor;

/**
 * Seed 001's CNNModel: two 5x5 convolutions (16 and 32 filters) with ReLU and 2x2 pooling, then one
 * linear layer. Model A: max pooling, padding 2; B: average pooling; C: padding 0 (valid).
 * Keys: cnn1, cnn2, fc1 (as the seed names them).
 */
public final class MnistCnn extends Layer {
    final Conv2d cnn1, cnn2;
    final Layer relu1, pool1, relu2, pool2;
    final Linear fc1;

    public MnistCnn(boolean maxPool, int padding) {
        cnn1 = register("cnn1", Conv2d.of(1, 16, 5).padding(padding));
        relu1 = register("relu1", ReLU.of());
        pool1 = register("pool1", maxPool ? MaxPool2d.of(2) : AvgPool2d.of(2));
        cnn2 = register("cnn2", Conv2d.of(16, 32, 5).padding(padding));
        relu2 = register("relu2", ReLU.of());
        pool2 = register("pool2", maxPool ? MaxPool2d.of(2) : AvgPool2d.of(2));
        long side = padding == 2 ? 7 : 4;
        fc1 = register("fc1", Linear.of(32 * side * side, 10));
    }

    /** Model A: max pooling, same padding (97.0 % in the seed). */
    public static MnistCnn modelA() {
        return new MnistCnn(true, 2);
    }

    /** Model B: average pooling (93.6 %). */
    public static MnistCnn modelB() {
        return new MnistCnn(false, 2);
    }

    /** Model C: valid padding, FC(512, 10) (96.5 %). */
    public static MnistCnn modelC() {
        return new MnistCnn(true, 0);
    }

    @Override public Tensor forward(Tensor x) {
        x = Sequential.run(x, cnn1, relu1, pool1); // as a Sequential: with max pooling, the ReLU runs after it
        x = Sequential.run(x, cnn2, relu2, pool2);
        return fc1.call(x.reshape(x.size(0), -1));
    }
}
