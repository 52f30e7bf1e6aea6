package dev.torch4j.recipes;

import dev.torch4j.data.Pipeline;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.MemoryFormat;
import dev.torch4j.optim.LrScheduler;
import dev.torch4j.optim.Optimizer;

import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A seed's training recipe on a folder of photos (cats vs dogs): model, optimizer, batch, epochs, and the
 * training (augmenting) and evaluation pipelines. {@code binary}: one logit trained with BCE-with-logits
 * (seed 002) rather than two classes with cross-entropy (seed 000). Transfer recipes name the zoo
 * {@code backbone} whose ImageNet weights {@code model} receives (null otherwise), may have a scheduler, and
 * with {@code cacheFeatures} train their head on features computed once (seed 002's fast feature extraction).
 * {@code memoryFormat} is the layout the recipe trains in unless told otherwise: channels-last for the recipes where
 * it measured faster on the CPU (docs/benchmarks.md), contiguous for the rest.
 */
public record ImageRecipe(String name, String seed, String description, Function<Path, Layer> model, Supplier<Optimizer> optimizer,
                   int batch, int epochs, Pipeline train, Pipeline eval, boolean binary, String backbone,
                   Function<Optimizer, LrScheduler> scheduler, boolean cacheFeatures, MemoryFormat memoryFormat) {

    /** A recipe in the contiguous layout. */
    public ImageRecipe(String name, String seed, String description, Function<Path, Layer> model, Supplier<Optimizer> optimizer,
                int batch, int epochs, Pipeline train, Pipeline eval, boolean binary, String backbone,
                Function<Optimizer, LrScheduler> scheduler, boolean cacheFeatures) {
        this(name, seed, description, model, optimizer, batch, epochs, train, eval, binary, backbone, scheduler, cacheFeatures,
                MemoryFormat.CONTIGUOUS);
    }

    /** This recipe trained in channels-last by default. */
    public ImageRecipe channelsLast() {
        return new ImageRecipe(name, seed, description, model, optimizer, batch, epochs, train, eval, binary, backbone, scheduler,
                cacheFeatures, MemoryFormat.CHANNELS_LAST);
    }

    /** A recipe without pretrained weights. */
    public ImageRecipe(String name, String seed, String description, Supplier<Layer> model, Supplier<Optimizer> optimizer,
                int batch, int epochs, Pipeline train, Pipeline eval, boolean binary) {
        this(name, seed, description, weights -> model.get(), optimizer, batch, epochs, train, eval, binary, null, null, false);
    }
}
