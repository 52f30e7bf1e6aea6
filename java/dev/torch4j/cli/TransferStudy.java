package dev.torch4j.cli;

import dev.torch4j.data.Batch;
import dev.torch4j.data.FashionMnist;
import dev.torch4j.data.MnistData;
import dev.torch4j.data.Normalization;
import dev.torch4j.data.TensorDataset;
import dev.torch4j.nn.AdaptiveAvgPool2d;
import dev.torch4j.nn.BatchNorm2d;
import dev.torch4j.nn.Conv2d;
import dev.torch4j.nn.Flatten;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.MaxPool2d;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.optim.Adam;
import dev.torch4j.optim.Optimizer;
import dev.torch4j.optim.ParamGroup;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Torch;
import dev.torch4j.train.Trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code train --recipe fmnist-transfer}: transfer learning shown offline on real data. A small CNN learns
 * Fashion-MNIST classes 0-4 (T-shirt, trouser, pullover, dress, coat); then classes 5-9 (sandal, shirt, sneaker,
 * bag, ankle boot) are learnt from a small labelled budget three ways: (a) from scratch, (b) frozen backbone +
 * new head, (c) the last block fine-tuned too (its own, lower learning rate). Test accuracy on all test images
 * of classes 5-9 tells how much the features learnt on 0-4 carry over.
 */
final class TransferStudy {
    static final String NAME = "fmnist-transfer";
    static final String DESCRIPTION = "transfer learning offline: CNN pretrained on Fashion-MNIST classes 0-4, then classes 5-9 from "
            + "a small labelled budget: scratch vs frozen backbone vs last block fine-tuned";

    private TransferStudy() {}

    /** The backbone: three conv-BN-ReLU-pool blocks (32, 64, 128 filters), global average pooling, flattened. */
    static Sequential backbone() {
        return Sequential.of(block(1, 32), block(32, 64), block(64, 128), AdaptiveAvgPool2d.of(1), Flatten.of());
    }

    private static Sequential block(long in, long out) {
        return Sequential.of(Conv2d.of(in, out, 3).padding(1), BatchNorm2d.of(out), ReLU.of(), MaxPool2d.of(2));
    }

    /** The classes from {@code from} to {@code from + 4}, labels shifted to 0-4; at most {@code perClass} of each (0: all). */
    static TensorDataset classes(dev.torch4j.data.ByteImageDataset data, int from, int perClass, long seed) {
        long[] labels = data.targets().toLongArray();
        List<Long> order = new ArrayList<>();
        for (long i = 0; i < labels.length; i++) order.add(i);
        if (perClass > 0) java.util.Collections.shuffle(order, new Random(seed));
        int[] taken = new int[5];
        List<Long> picked = new ArrayList<>();
        for (long i : order) {
            int c = (int) labels[(int) i] - from;
            if (c < 0 || c >= 5 || (perClass > 0 && taken[c] >= perClass)) continue;
            taken[c]++;
            picked.add(i);
        }
        java.util.Collections.sort(picked);
        Batch b = data.get(picked.stream().mapToLong(Long::longValue).toArray());
        return new TensorDataset(b.inputs(), b.targets().sub(from).to(dev.torch4j.tensor.DType.INT64)); // a double scalar promotes to float
    }

    static int run(TrainCommand o, PrintStream out) {
        o.refuse(java.util.Set.of("valid", "weights", "snapshots", "snapshot-every", "resume", "download", "memory-format"), "recipe " + NAME);
        String dataDir = o.data == null ? null : o.data.toString();
        int[] budgets = o.budget == null ? new int[] {5, 20, 100} : o.budget;
        int pretrainEpochs = o.positive("epochs", o.epochs, 3), epochs = o.positive("fine-tune-epochs", o.fineTuneEpochs, 30);
        int batch = o.positive("batch-size", o.batchSize, 64), fineTuneBatch = o.positive("fine-tune-batch", o.fineTuneBatch, 16);
        Device device = Device.parse(o.device).requireAvailable();
        int threads = o.threadsInForce();
        long seed = o.seed;
        String outDir = o.out == null ? null : o.out.toString();
        for (int budget : budgets) {
            if (budget <= 0) throw new UsageException("train: --budget takes positive counts of labelled images per class, got " + budget);
        }
        Torch.setThreads(threads);

        MnistData data = dataDir == null ? FashionMnist.sample() : FashionMnist.load(Path.of(dataDir));
        out.printf(Locale.ROOT, "recipe %s: %s%n", NAME, DESCRIPTION);
        out.printf(Locale.ROOT, "data: %s%n", dataDir == null ? "embedded Fashion-MNIST sample" : data.source());
        try (Scope scope = Scope.open()) {
            Normalization norm = Normalization.fromData(data.train(null));
            dev.torch4j.data.ByteImageDataset train = data.train(norm), test = data.test(norm);
            TensorDataset sourceTrain = classes(train, 0, 0, seed), sourceTest = classes(test, 0, 0, seed);
            TensorDataset targetTest = classes(test, 5, 0, seed);

            // 1. the backbone learns classes 0-4 from all their training images
            Torch.manualSeed(seed);
            Sequential features = backbone();
            Sequential source = Sequential.of(features, Linear.of(128, 5));
            long t0 = System.nanoTime();
            double sourceAccuracy = fit(source, Adam.of(1e-3), sourceTrain, sourceTest, pretrainEpochs, batch, seed, device);
            out.printf(Locale.ROOT, "pretraining on classes 0-4: %d images, %d epochs, test accuracy %.4f (%.1f s)%n",
                    sourceTrain.size(), pretrainEpochs, sourceAccuracy, (System.nanoTime() - t0) / 1e9);
            Map<String, dev.torch4j.tensor.Tensor> pretrained = new LinkedHashMap<>();
            features.stateDict().forEach((k, v) -> pretrained.put(k, scope.keep(v.clone())));

            // 2. classes 5-9 from `budget` labelled images each, three ways, with the same optimiser settings
            out.printf(Locale.ROOT, "classes 5-9, %d epochs, batch %d, Adam 1e-3 (fine-tuned block 1e-4); test accuracy on %d images:%n",
                    epochs, fineTuneBatch, targetTest.size());
            out.printf(Locale.ROOT, "  %-10s %-12s %-18s %-18s%n", "per class", "(a) scratch", "(b) frozen + head", "(c) last block");
            Map<Integer, Map<String, Double>> results = new LinkedHashMap<>();
            for (int budget : budgets) {
                TensorDataset targetTrain = classes(train, 5, budget, seed);
                Map<String, Double> accuracy = new LinkedHashMap<>();

                Torch.manualSeed(seed + 1);
                Sequential scratch = Sequential.of(backbone(), Linear.of(128, 5));
                accuracy.put("scratch", fit(scratch, Adam.of(1e-3), targetTrain, targetTest, epochs, fineTuneBatch, seed, device));

                Torch.manualSeed(seed + 1);
                // the frozen parts keep their statistics (Keras' rule), as when docs/results.md's figures were measured
                Sequential frozen = Sequential.of(BatchNorm2d.inferenceWhenFrozen(loaded(pretrained).freeze()), Linear.of(128, 5));
                accuracy.put("frozen_backbone", fit(frozen, Adam.of(1e-3), targetTrain, targetTest, epochs, fineTuneBatch, seed, device));

                Torch.manualSeed(seed + 1);
                Sequential base = loaded(pretrained);
                base.freeze();
                base.unfreeze("2"); // the last conv block
                BatchNorm2d.inferenceWhenFrozen(base);
                Sequential partial = Sequential.of(base, Linear.of(128, 5));
                Optimizer groups = Adam.of(1e-3).on(ParamGroup.of(base.get(2), 1e-4), ParamGroup.of(partial.get(1), 1e-3));
                accuracy.put("last_block_fine_tuned", fit(partial, groups, targetTrain, targetTest, epochs, fineTuneBatch, seed, device));

                out.printf(Locale.ROOT, "  %-10d %-12.4f %-18.4f %-18.4f%n", budget, accuracy.get("scratch"), accuracy.get("frozen_backbone"),
                        accuracy.get("last_block_fine_tuned"));
                results.put(budget, accuracy);
            }

            if (outDir != null) write(Path.of(outDir), features, sourceAccuracy, results, epochs, pretrainEpochs, seed, dataDir, out);
        }
        return 0;
    }

    private static Sequential loaded(Map<String, dev.torch4j.tensor.Tensor> pretrained) {
        Sequential f = backbone();
        dev.torch4j.io.StateDict sd = dev.torch4j.io.StateDict.of(pretrained);
        f.loadStateDict(sd, true);
        return f;
    }

    private static double fit(Layer model, Optimizer optimizer, TensorDataset train, TensorDataset test, int epochs, int batch,
                              long seed, Device device) {
        Trainer t = Trainer.of(model).optimizer(optimizer).batchSize(batch).epochs(epochs).seed(seed).device(device).quiet(true);
        t.fit(train, null);
        return t.evaluate(test).accuracy();
    }

    private static void write(Path dir, Sequential features, double sourceAccuracy, Map<Integer, Map<String, Double>> results,
                              int epochs, int pretrainEpochs, long seed, String dataDir, PrintStream out) {
        try {
            Files.createDirectories(dir);
            features.save(dir.resolve("backbone.safetensors"));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("recipe", NAME);
            m.put("data", dataDir == null ? "embedded Fashion-MNIST sample" : dataDir);
            m.put("pretraining_epochs", pretrainEpochs);
            m.put("source_test_accuracy", sourceAccuracy);
            m.put("fine_tune_epochs", epochs);
            m.put("seed", seed);
            m.put("target_test_accuracy_by_images_per_class", results);
            Files.writeString(dir.resolve("metrics.json"), new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(m));
            out.println("wrote " + dir.resolve("backbone.safetensors") + ", metrics.json");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir + ": " + e.getMessage(), e);
        }
    }
}
