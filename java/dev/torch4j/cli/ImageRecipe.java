package dev.torch4j.cli;

import dev.torch4j.data.Pipeline;
import dev.torch4j.nn.Module;
import dev.torch4j.optim.Optimizer;

import java.util.function.Supplier;

/**
 * A seed's training recipe on a folder of photos (cats vs dogs): model, optimizer, batch, epochs, and the
 * training (augmenting) and evaluation pipelines. {@code binary}: one logit trained with BCE-with-logits
 * (seed 002) rather than two classes with cross-entropy (seed 000).
 */
record ImageRecipe(String name, String seed, String description, Supplier<Module> model, Supplier<Optimizer> optimizer,
                   int batch, int epochs, Pipeline train, Pipeline eval, boolean binary) {}
