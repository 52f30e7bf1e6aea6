package dev.torch4j.recipes;

import dev.torch4j.nn.Layer;
import dev.torch4j.optim.Optimizer;

import java.util.function.Supplier;

/**
 * A seed's training recipe on MNIST-format data: model, optimizer, batch, length, normalisation and split,
 * as the tutorial sets them (see ../shared/DESIGN.md, inventory).
 */
public record Recipe(String name, String seed, String description, Supplier<Layer> model, Supplier<Optimizer> optimizer, int batch,
              int epochs, long iterations, long validateEvery, Norm norm, double validFraction, long splitSeed, boolean shuffle,
              boolean classificationReport, boolean mnist) {

    /** How inputs are normalised: MNIST's fixed statistics, statistics of the training set, or /255 only. */
    public enum Norm { FIXED_MNIST, FROM_DATA, NONE }

    public boolean byIterations() {
        return iterations > 0;
    }
}
