package dev.torch4j.readme;

import dev.torch4j.distributed.ProcessGroup;
import dev.torch4j.train.Trainer;

/** README snippet 8 (Data-parallel training), compiled exactly as the README shows it (ReadmeSnippetsTest keeps the two equal). */
final class Readme8 {
    private Readme8() {}

    static void snippet(dev.torch4j.nn.Layer model, dev.torch4j.data.Dataset train, dev.torch4j.data.Dataset valid) throws Exception {
        try (ProcessGroup group = ProcessGroup.init()) {      // torchrun's environment, as launch sets it
            Trainer.of(model).epochs(10).batchSize(64).fit(train, valid);   // each rank trains on its share; gradients averaged
        }
    }
}
