package dev.torch4j.cli;

import dev.torch4j.recipes.ImageRecipe;
import dev.torch4j.recipes.Recipes;
import dev.torch4j.recipes.Recipe;
import com.google.gson.GsonBuilder;
import dev.torch4j.data.Datasets;
import dev.torch4j.data.FashionMnist;
import dev.torch4j.data.Mnist;
import dev.torch4j.data.MnistData;
import dev.torch4j.data.Normalization;
import dev.torch4j.data.Subset;
import dev.torch4j.distributed.ProcessGroup;
import dev.torch4j.data.ByteImageDataset;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import dev.torch4j.train.Callback;
import dev.torch4j.train.Checkpoint;
import dev.torch4j.train.ClassificationReport;
import dev.torch4j.train.ConfusionMatrix;
import dev.torch4j.train.Evaluation;
import dev.torch4j.train.History;
import dev.torch4j.train.HistoryWriter;
import dev.torch4j.train.ProgressPrinter;
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

/**
 * {@code train --recipe NAME}: runs a seed recipe on MNIST-format data (the embedded Fashion-MNIST sample by default);
 * the cats-vs-dogs recipes go to {@link ImageTrainCommand}.
 */
final class TrainCommand {
    private TrainCommand() {}

    static final String USAGE = "usage: train --recipe NAME [--data DIR] [--epochs N] [--batch-size N] [--device auto|cpu|cuda|mps]\n"
            + "             [--threads N] [--seed N] [--valid FRACTION] [--weights FILE] [--out DIR]\n"
            + "             [--snapshots DIR [--snapshot-every N]] | --resume DIR\n"
            + "Runs a seed recipe ('recipes' lists them). Without --data it uses the Fashion-MNIST sample inside the jar\n"
            + "(6,000 training and 1,000 test images); --data reads the four MNIST-format IDX files of a directory.\n"
            + "--valid sets the validation fraction split off the training set (0: train on all of it).\n"
            + "--out writes history.csv, curves.png, best.safetensors and metrics.json.\n"
            + "--snapshots DIR writes a snapshot of the whole run after each epoch (and every N steps with --snapshot-every N);\n"
            + "--resume DIR continues a killed or finished run from its newest snapshot, exactly, with the options it was\n"
            + "started with (give --epochs to train longer; other options given again must agree).\n"
            + "The cats-vs-dogs recipes (s0-catdog, s0-resnet18, s2-cat, s2-cat-aug, s2-vgg-fe, s2-vgg-fe-aug, s2-vgg-ft) need\n"
            + "--data DIR: " + ImageTrainCommand.DATA_HELP + "\n"
            + "The transfer recipes (s0-resnet18, s2-vgg-*) start from torchvision's ImageNet weights: --weights FILE (.pth, .pt or\n"
            + ".safetensors), else the file torchvision publishes, looked up in $TORCH4J_WEIGHTS, ~/.torch4j/weights and\n"
            + "~/.cache/torch/hub/checkpoints, downloaded when the network allows.";

    static int run(Args a, PrintStream out) {
        if (a.help()) {
            out.println(USAGE);
            return 0;
        }
        SnapshotOptions snapshots = SnapshotOptions.read(a);
        String name = a.require("recipe");
        if (name.equals(TransferStudy.NAME)) return TransferStudy.run(a, out);
        Recipe r = Recipes.get(name);
        if (r == null && Recipes.image(name) == null) {
            throw new IllegalArgumentException("unknown recipe '" + name + "'; known: " + String.join(", ", Recipes.names()) + ", " + TransferStudy.NAME);
        }
        if (r == null) return ImageTrainCommand.run(a, Recipes.image(name), snapshots, out);
        String dataDir = a.get("data", null);
        int epochs = a.getInt("epochs", r.epochs() > 0 ? r.epochs() : 0);
        int batch = a.getInt("batch-size", r.batch());
        Device device = Device.parse(a.get("device", "auto")).requireAvailable();
        int threads = a.getInt("threads", Torch.threads());
        long seed = Long.parseLong(a.get("seed", "42"));
        String outDir = a.get("out", null);
        double validFraction = Double.parseDouble(a.get("valid", String.valueOf(r.validFraction())));
        if (validFraction < 0 || validFraction >= 1) throw new UsageException("train: --valid must be in [0, 1), got " + validFraction);
        checkOut(outDir);
        snapshots.inForce("batch-size", batch).inForce("seed", seed).inForce("threads", threads);
        a.rejectUnknown();
        Torch.setThreads(threads);

        // MNIST recipes take real MNIST when it is installed; otherwise, like the rest, the data given or the sample.
        MnistData mnist = dataDir == null && r.mnist() ? Mnist.installed().orElse(null) : null;
        MnistData data = mnist != null ? mnist : dataDir == null ? FashionMnist.sample() : FashionMnist.load(Path.of(dataDir));
        out.printf(Locale.ROOT, "recipe %s (seed %s): %s%n", r.name(), r.seed(), r.description());
        String what = mnist != null ? "MNIST from " + mnist.source() : dataDir == null ? "embedded Fashion-MNIST sample" : data.source().toString();
        out.printf(Locale.ROOT, "data: %s (%d training, %d test images)%s%n", what, data.train(null).size(), data.test(null).size(),
                r.mnist() && mnist == null ? (dataDir == null ? "; the seed trains on MNIST, which is not installed"
                        + " ($TORCH4J_DATA/mnist, ~/.torch4j/data/mnist, /usr/share/datasets/mnist): this run uses Fashion-MNIST"
                        : "; the seed trains on MNIST, this run uses the data given") : "");

        Normalization norm = switch (r.norm()) {
            case FIXED_MNIST -> Normalization.MNIST;
            case FROM_DATA -> Normalization.fromData(data.train(null));
            case NONE -> null;
        };
        // the images stay bytes; each batch is converted and normalised when taken (a quarter of the memory of floats)
        ByteImageDataset all = data.train(norm), test = data.test(norm);
        dev.torch4j.data.Dataset train = all, valid = null;
        if (validFraction > 0) {
            List<Subset> split = Datasets.randomSplit(all, r.splitSeed(), 1 - validFraction, validFraction);
            train = split.get(0);
            valid = split.get(1);
        } else if (r.byIterations() && a.get("valid", null) == null) {
            valid = test; // seed 001 measures test accuracy during training
        }

        Torch.manualSeed(seed);
        Layer model = r.model().get();
        Trainer trainer = Trainer.of(model).optimizer(r.optimizer().get()).batchSize(batch).seed(seed).shuffle(r.shuffle()).device(device);
        if (r.byIterations()) {
            long perEpoch = (train.size() + batch - 1) / batch;
            boolean asEpochs = a.getInt("epochs", 0) > 0; // --epochs N: N passes over the data, one history row each
            long iterations = asEpochs ? epochs * perEpoch : r.iterations();
            trainer.iterations(iterations, asEpochs ? perEpoch : Math.min(r.validateEvery(), iterations));
        } else {
            trainer.epochs(epochs);
        }
        Path dir = outDir == null ? null : Path.of(outDir);
        Checkpoint best = attachCallbacks(trainer, out, dir, valid != null, snapshots);
        describeParallel(out, batch);

        long t0 = System.nanoTime();
        History history = trainer.fit(train, valid);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (best != null && best.bestEpoch() > 0 && !r.byIterations()) {
            model.load(best.file()); // seed 003 tests the model with the best validation loss
            out.printf(Locale.ROOT, "best validation loss %.4f at epoch %d (weights in %s)%n", best.best(), best.bestEpoch(), best.file());
        }
        long t1 = System.nanoTime();
        Evaluation e = trainer.evaluate(test);
        // training and testing timed apart: the test line used to show the whole fit's time beside the test images
        out.printf(Locale.ROOT, "test loss %.4f, test accuracy %.4f (%d images in %.1f s; training took %.1f s)%n", e.loss(), e.accuracy(),
                e.samples(), (System.nanoTime() - t1) / 1e9, seconds);
        if (r.classificationReport()) {
            Tensor logits = trainer.predict(test);
            out.println(new ClassificationReport(new ConfusionMatrix(10).addLogits(logits, test.targets()), null, 2));
        }
        if (dir != null && ProcessGroup.isMainProcess()) { // in a data-parallel run rank 0 writes the outputs
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("recipe", r.name());
            metrics.put("test_accuracy", e.accuracy());
            metrics.put("test_loss", e.loss());
            metrics.put("data", dataDir == null ? "embedded Fashion-MNIST sample" : dataDir);
            writeOutputs(dir, model, best, history, seconds, trainer, metrics, out);
        }
        return 0;
    }

    /**
     * Progress to {@code out}; with {@code dir}, history.csv and (when there is a validation set) the
     * best-validation-loss checkpoint, which is returned (else null).
     */
    static Checkpoint attachCallbacks(Trainer trainer, PrintStream out, Path dir, boolean validated, SnapshotOptions snapshots) {
        snapshots.applyTo(trainer);
        List<Callback> callbacks = new ArrayList<>();
        trainer.quiet(true); // progress goes to this command's output stream instead
        callbacks.add(new ProgressPrinter(out, System.console() != null && out == System.out));
        Checkpoint best = null;
        if (dir != null) {
            callbacks.add(HistoryWriter.csv(dir.resolve("history.csv")));
            if (validated) callbacks.add(best = Checkpoint.bestBy("val_loss", dir.resolve("best.safetensors")));
        }
        trainer.callbacks(callbacks.toArray(new Callback[0]));
        return best;
    }

    /** Under {@code launch}: how many processes share the work, and the batch they make together. */
    static void describeParallel(PrintStream out, int batch) {
        ProcessGroup.active().filter(g -> g.worldSize() > 1).ifPresent(g -> out.printf(Locale.ROOT,
                "data-parallel: %d processes (ranks 0-%d; rank 0 prints and writes), batch %d per process, %d in all%n",
                g.worldSize(), g.worldSize() - 1, batch, batch * g.worldSize()));
    }

    /** An --out that names an existing file is refused before any work. */
    static void checkOut(String outDir) {
        if (outDir != null && Files.exists(Path.of(outDir)) && !Files.isDirectory(Path.of(outDir))) {
            throw new UsageException("train: --out " + outDir + " is a file; give a directory (it is created if missing)");
        }
    }

    /** history.csv is written by its callback; this adds curves.png, best.safetensors (unless a checkpoint wrote it) and metrics.json. */
    static void writeOutputs(Path dir, Layer model, Checkpoint best, History history, double seconds, Trainer trainer,
                             Map<String, Object> metrics, PrintStream out) {
        if (best == null || best.bestEpoch() == 0) model.save(dir.resolve("best.safetensors"));
        history.plot(dir.resolve("curves.png"));
        metrics.put("epochs", history.epochs().size());
        metrics.put("seconds", seconds);
        double[] epochSeconds = history.series("seconds");
        java.util.Arrays.sort(epochSeconds);
        metrics.put("median_epoch_s", epochSeconds[epochSeconds.length / 2]);
        metrics.put("device", trainer.device().toString());
        metrics.put("threads", Torch.threads());
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("metrics.json"), new GsonBuilder().setPrettyPrinting().create().toJson(metrics) + "\n");
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + dir.resolve("metrics.json") + ": " + ex.getMessage(), ex);
        }
        out.println("wrote " + dir.resolve("history.csv") + ", curves.png, best.safetensors, metrics.json");
    }

    static int list(Args a, PrintStream out) {
        if (a.help()) {
            out.println("usage: recipes\nLists the training recipes of the seeds.");
            return 0;
        }
        a.rejectUnknown();
        for (Recipe r : Recipes.all()) out.printf(Locale.ROOT, "%-13s seed %s: %s%n", r.name(), r.seed(), r.description());
        out.printf(Locale.ROOT, "%-13s %s ([--data DIR] [--budget 5,20,100] [--epochs N] [--fine-tune-epochs N])%n", TransferStudy.NAME, TransferStudy.DESCRIPTION);
        for (ImageRecipe r : Recipes.images()) {
            out.printf(Locale.ROOT, "%-13s seed %s: %s (--data DIR%s)%n", r.name(), r.seed(), r.description(),
                    r.backbone() == null ? "" : " [--weights FILE]");
        }
        return 0;
    }
}
