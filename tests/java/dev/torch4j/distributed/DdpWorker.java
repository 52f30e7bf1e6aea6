package dev.torch4j.distributed;

import dev.torch4j.data.Batch;
import dev.torch4j.data.DataLoader;
import dev.torch4j.data.FashionMnist;
import dev.torch4j.data.Subset;
import dev.torch4j.data.TensorDataset;
import dev.torch4j.io.SafeTensors;
import dev.torch4j.nn.*;
import dev.torch4j.optim.Sgd;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import dev.torch4j.train.Callback;
import dev.torch4j.train.History;
import dev.torch4j.train.Loss;
import dev.torch4j.train.StepInfo;
import dev.torch4j.train.Trainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One rank of the data-parallel tests, started by {@link Launcher} from {@link DataParallelTest}:
 * {@code MODE OUT_DIR [ARGS]}. Writes its results as {@code OUT_DIR/rank-K.*}.
 */
public final class DdpWorker {
    static final int BATCH_PER_RANK = 16, TRAIN = 256, VALID = 96;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if (mode.equals("never-arrives") || mode.equals("no-master")) { // alone, no launcher: joins that must fail
            int port = Integer.parseInt(args[1]);
            Rendezvous r = mode.equals("never-arrives") ? Rendezvous.of("127.0.0.1", port, 0, 2).joinTimeout(java.time.Duration.ofSeconds(2))
                    : Rendezvous.of("127.0.0.1", port, 1, 2).joinTimeout(java.time.Duration.ofSeconds(1));
            try {
                ProcessGroup.join(r).close();
                System.out.println("joined, which should not happen");
            } catch (DistributedException e) {
                System.out.println("caught: " + e.getMessage());
                System.out.println("active after: " + ProcessGroup.active().isPresent());
            }
            System.out.flush();
            Runtime.getRuntime().halt(0); // the failed group's native threads are not waited for
        }
        Path out = Path.of(args[1]);
        try (ProcessGroup group = ProcessGroup.init()) {
            int rank = group.rank();
            switch (mode) {
                case "train", "bn" -> {
                    int epochs = Integer.parseInt(args[2]);
                    Layer model = mode.equals("bn") ? bnModel() : model();
                    if (rank != 0) perturb(model); // the trainer must copy rank 0's weights to everyone
                    Trainer t = trainer(model, epochs, BATCH_PER_RANK);
                    if (args.length > 3 && args[3].equals("snapshots")) t.snapshots(out.resolve("snapshots"));
                    if (args.length > 3 && args[3].equals("resume")) t.resumeFrom(out.resolve("snapshots")).snapshots(out.resolve("snapshots"));
                    History h = t.fit(train(), valid());
                    Files.writeString(out.resolve("rank-" + rank + ".csv"), h.toCsv());
                    SafeTensors.write(model.stateDict().asMap(), out.resolve("rank-" + rank + ".safetensors"));
                }
                case "fail" -> {
                    Trainer t = trainer(model(), 3, BATCH_PER_RANK).callbacks(new Callback() {
                        @Override public void onBatchEnd(StepInfo s) {
                            if (rank == 1 && s.globalStep() == 3) {
                                System.out.println("rank 1 leaves now");
                                System.out.flush();
                                Runtime.getRuntime().halt(3);
                            }
                        }
                    });
                    try {
                        t.fit(train(), valid());
                    } catch (DistributedException e) {
                        System.out.println("caught: " + e.getMessage());
                        System.exit(4);
                    }
                }
                case "nosync" -> {
                    // two batches of this rank's own data: the first without sync, the second synchronised
                    Layer model = model();
                    if (rank != 0) perturb(model);
                    DataParallel ddp = DataParallel.of(model).start();
                    TensorDataset data = train();
                    Batch a = data.get(indices(rank * 8, 8)), b = data.get(indices(64 + rank * 8, 8));
                    try (AutoCloseable pause = ddp.noSync()) {
                        Loss.crossEntropy().compute(ddp.call(a.inputs()), a.targets()).backward();
                    }
                    Loss.crossEntropy().compute(ddp.call(b.inputs()), b.targets()).backward();
                    Map<String, Tensor> grads = new LinkedHashMap<>();
                    for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) grads.put(e.getKey(), e.getValue().grad());
                    SafeTensors.write(grads, out.resolve("rank-" + rank + ".safetensors"));
                    SafeTensors.write(model.stateDict().asMap(), out.resolve("weights-" + rank + ".safetensors"));
                    ddp.close();
                }
                case "wait" -> { // a worker that only waits: the test kills the launcher and watches it go
                    Files.writeString(out.resolve("pid-" + rank), Long.toString(ProcessHandle.current().pid()));
                    for (int i = 0; i < 600; i++) Thread.sleep(100);
                }
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
        }
    }

    static long[] indices(int from, int n) {
        long[] ix = new long[n];
        for (int i = 0; i < n; i++) ix[i] = from + i;
        return ix;
    }

    /** The same first examples of the embedded Fashion-MNIST sample in every process. */
    static TensorDataset train() {
        return slice(FashionMnist.sample().train(), 0, TRAIN);
    }

    static TensorDataset valid() {
        return slice(FashionMnist.sample().test(), 0, VALID);
    }

    private static TensorDataset slice(TensorDataset d, int from, int n) {
        return new TensorDataset(d.inputs().narrow(0, from, n).clone(), d.targets().narrow(0, from, n).clone());
    }

    static Trainer trainer(Layer model, int epochs, int batch) {
        return Trainer.of(model).loss(Loss.crossEntropy()).optimizer(Sgd.of(0.05).momentum(0.9)).epochs(epochs).batchSize(batch)
                .seed(7).quiet(true);
    }

    static Layer model() {
        Torch.manualSeed(11);
        return Sequential.of(Conv2d.of(1, 4, 3), ReLU.of(), MaxPool2d.of(2, 2), Flatten.of(), Linear.of(4 * 13 * 13, 10));
    }

    static Layer bnModel() {
        Torch.manualSeed(11);
        return Sequential.of(Conv2d.of(1, 4, 3), BatchNorm2d.of(4), ReLU.of(), MaxPool2d.of(2, 2), Flatten.of(), Linear.of(4 * 13 * 13, 10));
    }

    private static void perturb(Layer model) {
        try (Torch.NoGrad g = Torch.noGrad()) {
            for (Tensor p : model.parameters()) p.add_(Tensor.randn(p.shape()));
        }
    }
}
