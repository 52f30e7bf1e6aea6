package dev.torch4j.train;

import dev.torch4j.data.Dataset;
import dev.torch4j.data.TensorDataset;
import dev.torch4j.data.Transforms;
import dev.torch4j.nn.Conv2d;
import dev.torch4j.nn.Dropout;
import dev.torch4j.nn.Fixtures;
import dev.torch4j.nn.Flatten;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.MaxPool2d;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.io.StateDict;
import dev.torch4j.optim.Adam;
import dev.torch4j.optim.StepLR;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Generator;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training run of {@link KillResumeTest}, in a JVM of its own: a small CNN with Dropout on randomly rotated
 * Fashion-MNIST images, Adam with a per-batch StepLR, a best-val_loss checkpoint and early stopping, snapshots every
 * few steps; resumes from its snapshot directory when one is there. At the end it writes the final weights,
 * optimizer state and history (without timings) to {@code result.safetensors} and prints DONE.
 *
 * <p>Arguments: the run directory, the snapshot interval in steps.
 */
public final class ResumeChild {
    private ResumeChild() {}

    static final int EPOCHS = 4;

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long every = Long.parseLong(args[1]);
        Torch.setThreads(1);
        StateDict fx = Fixtures.load("fmnist-slice.safetensors");
        Tensor images, labels, testImages, testLabels;
        try (Scope s = Scope.open()) {
            images = s.keep(fx.get("train_images").narrow(0, 0, 1280).unsqueeze(1));
            labels = s.keep(fx.get("train_labels").narrow(0, 0, 1280));
            testImages = s.keep(fx.get("test_images").narrow(0, 0, 200).float32().div(255).unsqueeze(1));
            testLabels = s.keep(fx.get("test_labels").narrow(0, 0, 200));
        }
        Dataset train = new TensorDataset(images, labels).transform(Transforms.compose(Transforms.randomRotation(20).fill(0),
                Transforms.toTensor()), 5);
        Dataset valid = new TensorDataset(testImages, testLabels);
        Layer model = Generator.seeded(3).call(() -> Sequential.of(Conv2d.of(1, 16, 3), ReLU.of(), MaxPool2d.of(2),
                Conv2d.of(16, 32, 3), ReLU.of(), MaxPool2d.of(2), Flatten.of(), Dropout.of(0.3), Linear.of(800, 96), ReLU.of(),
                Dropout.of(0.5), Linear.of(96, 10)));
        Path snapshots = dir.resolve("snapshots");
        Trainer t = Trainer.of(model).optimizer(Adam.of(2e-3)).schedulerPerBatch(o -> StepLR.of(o, 25, 0.7)).epochs(EPOCHS)
                .batchSize(32).seed(11).device(Device.cpu()).quiet(true).checkEvery(4).snapshots(snapshots, every)
                .callbacks(Checkpoint.bestBy("val_loss", dir.resolve("best.safetensors")), EarlyStopping.of(5),
                        new Callback() {
                            @Override public void onFitStart(FitContext fit) {
                                System.out.println("START " + fit.firstPeriod() + " " + fit.firstStep());
                                System.out.flush();
                            }
                        });
        if (Snapshot.latest(snapshots).isPresent()) t.resumeFrom(snapshots);
        History h = t.fit(train, valid);
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) result.put("model/" + e.getKey(), e.getValue());
        for (Map.Entry<String, Tensor> e : t.optimizer().stateDict().entrySet()) result.put("optimizer/" + e.getKey(), e.getValue());
        StringBuilder rows = new StringBuilder();
        for (EpochResult r : h.epochs()) {
            Map<String, Double> m = new LinkedHashMap<>(r.metrics());
            m.remove("seconds");
            rows.append(r.epoch()).append(' ').append(m).append('\n');
        }
        dev.torch4j.io.SafeTensors.write(result, Map.of("history", rows.toString()), dir.resolve("result.safetensors"));
        System.out.println("DONE");
    }

    /** Whether {@code dir} holds a finished run's result. */
    static boolean finished(Path dir) {
        return Files.isRegularFile(dir.resolve("result.safetensors"));
    }
}
