package dev.torch4j.readme;

import dev.torch4j.data.*;
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.recipes.LeNet;
import dev.torch4j.tensor.Generator;
import dev.torch4j.train.*;
import java.nio.file.Path;

/** README snippet 2 (Training), compiled exactly as the README shows it (ReadmeSnippetsTest keeps the two equal). */
final class Readme2 {
    private Readme2() {}

    static void snippet() throws Exception {
        MnistData data = FashionMnist.load();                // $TORCH4J_DATA, ~/.torch4j/data, /usr/share/datasets, or download
                                                             // (FashionMnist.load(dir) reads dir only and names missing files)
        Layer lenet = Generator.seeded(42).call(LeNet::new);  // initial weights from a stream of its own
        Trainer trainer = Trainer.of(lenet)
            .loss(Loss.crossEntropy())
            .optimizer(Adam.of(1e-3))                        // binds the model's trainable parameters only
            .scheduler(o -> StepLR.of(o, 5, 0.1))           // stepped once per epoch
            .epochs(10).batchSize(64).seed(42)               // Dropout and shuffling from the trainer's own seeded streams
            .callbacks(Checkpoint.bestBy("val_loss", Path.of("best.safetensors")), EarlyStopping.of(3),
                       ProgressPrinter.console());            // without it, one line per epoch goes to System.Logger
        History history = trainer.fit(data.train(), data.test());
        history.plot(Path.of("curves.png"));                 // loss and accuracy, train and validation
        System.out.println(new ClassificationReport(
            new ConfusionMatrix(10).addLogits(trainer.predict(data.test()), data.test().targets())));
    }
}
