package dev.torch4j.cli;

import dev.torch4j.recipes.ImageRecipe;
import dev.torch4j.data.Dataset;
import dev.torch4j.data.Datasets;
import dev.torch4j.data.ImageFolder;
import dev.torch4j.data.Pipeline;
import dev.torch4j.data.Subset;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Torch;
import dev.torch4j.train.Checkpoint;
import dev.torch4j.train.Evaluation;
import dev.torch4j.train.History;
import dev.torch4j.train.Loss;
import dev.torch4j.train.Trainer;
import dev.torch4j.vision.FeatureExtractor;
import dev.torch4j.recipes.VggTransfer;
import dev.torch4j.vision.Weights;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;

/** {@code train --recipe NAME --data DIR} for the cats-vs-dogs recipes: an image folder in, a trained model out. */
final class ImageTrainCommand {
    static final String DATA_HELP = "a folder with train/ and validation/ (optionally test/) sub-folders, each with one folder per class,\n"
            + "as seed 002 lays out cats_and_dogs; or one folder with a sub-folder per class, split 72/8/20 into\n"
            + "training/validation/test as seed 000 means to. Get the photos from Kaggle (\"Dogs vs. Cats\") or Hugging Face\n"
            + "(microsoft/cats_vs_dogs): see docs/results.md, \"Cats vs dogs\".";

    private ImageTrainCommand() {}

    /** The training, validation and test sets of a run; validation and test may be null. */
    record Splits(ImageFolder trainFolder, Dataset train, Dataset valid, Dataset test, String layout) {}

    static int run(TrainCommand o, ImageRecipe r, SnapshotOptions snapshots, PrintStream out) {
        o.refuse(Set.of("valid"), "recipe " + r.name() + ", which takes its validation set from --data");
        o.refuse(Set.of("budget", "fine-tune-epochs", "fine-tune-batch", "download"), "recipe " + r.name());
        String dataDir = o.data == null ? null : o.data.toString();
        int epochs = o.positive("epochs", o.epochs, r.epochs());
        int batch = o.positive("batch-size", o.batchSize, r.batch());
        Device device = Device.parse(o.device).requireAvailable();
        int threads = o.threadsInForce();
        long seed = o.seed;
        Path outDir = o.out;
        String weightsArg = o.weights == null ? null : o.weights.toString();
        if (weightsArg != null && r.backbone() == null) throw new UsageException("train: recipe " + r.name() + " trains from scratch and takes no --weights");
        TrainCommand.checkOut(outDir);
        snapshots.inForce("batch-size", batch).inForce("seed", seed).inForce("threads", threads);
        if (dataDir == null) throw new UsageException("train: recipe " + r.name() + " needs --data DIR: " + DATA_HELP);
        Torch.setThreads(threads);

        // batches come out of the image pipeline in the layout the model trains in: no reorder at its first convolution
        Splits data = open(Path.of(dataDir), r, seed, threads, o.fixedFormat(r.memoryFormat()));
        out.printf(Locale.ROOT, "recipe %s (seed %s): %s%n", r.name(), r.seed(), r.description());
        out.printf(Locale.ROOT, "data: %s, classes %s (%s): %d training, %s validation, %s test images%n", dataDir,
                data.trainFolder().classes(), data.layout(), data.train().size(), count(data.valid()), count(data.test()));

        Path weights = null;
        if (r.backbone() != null) {
            weights = weightsArg != null ? Path.of(weightsArg) : Weights.imagenet(r.backbone());
            if (!Files.isRegularFile(weights)) throw new UsageException("train: --weights " + weights + " is not a file");
            out.printf(Locale.ROOT, "%s weights: %s%n", r.backbone(), weights);
        }
        Torch.manualSeed(seed);
        Layer model = r.model().apply(weights);
        Dataset train = data.train(), valid = data.valid(), test = data.test();
        Layer trained = model; // what the optimizer updates: the whole model, or only the head on cached features
        if (r.cacheFeatures()) {
            VggTransfer vt = (VggTransfer) model;
            FeatureExtractor fx = new FeatureExtractor(vt.convBase());
            fx.to(device);
            fx.to(o.fixedFormat(r.memoryFormat())); // the features are the same in either layout; channels-last computes them faster
            out.printf(Locale.ROOT, "computing %s features once (fast feature extraction)%n", r.backbone());
            train = cached(fx, train, batch, "training", out);
            valid = valid == null ? null : cached(fx, valid, batch, "validation", out);
            test = test == null ? null : cached(fx, test, batch, "test", out);
            trained = vt.head();
        }
        Trainer trainer = Trainer.of(trained).optimizer(r.optimizer().get()).batchSize(batch).seed(seed).epochs(epochs).device(device);
        o.applyMemoryFormat(trainer, r.memoryFormat(), out);
        if (r.scheduler() != null) trainer.scheduler(r.scheduler());
        if (r.binary()) trainer.loss(Loss.bceWithLogits());
        Path dir = outDir;
        Checkpoint best = TrainCommand.attachCallbacks(trainer, out, dir, data.valid() != null, snapshots);
        TrainCommand.describeParallel(out, batch);

        long t0 = System.nanoTime();
        History history = trainer.fit(train, valid);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (best != null && best.bestEpoch() > 0) {
            trained.load(best.file()); // seed 002 keeps the model with the best validation loss
            out.printf(Locale.ROOT, "best validation loss %.4f at epoch %d (weights in %s)%n", best.best(), best.bestEpoch(), best.file());
        }
        // Seed 002 has no test set and reports its validation figures; seed 000 tests on its held-out 20 %.
        Dataset finalSet = test != null ? test : valid;
        String finalName = test != null ? "test" : "validation";
        Evaluation e = finalSet == null ? null : trainer.evaluate(finalSet);
        if (e != null) {
            out.printf(Locale.ROOT, "%s loss %.4f, %s accuracy %.4f (%d images, %.1f s)%n", finalName, e.loss(), finalName, e.accuracy(), e.samples(), seconds);
        }
        if (dir != null && dev.torch4j.distributed.ProcessGroup.isMainProcess()) { // rank 0 writes in a data-parallel run
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("recipe", r.name());
            metrics.put("test_accuracy", e == null ? Double.NaN : e.accuracy());
            metrics.put("test_loss", e == null ? Double.NaN : e.loss());
            metrics.put("evaluated_on", e == null ? "nothing (no validation or test images)" : finalName);
            metrics.put("classes", data.trainFolder().classes());
            metrics.put("data", dataDir);
            if (weights != null) metrics.put("weights", weights.toString());
            if (trained != model) model.save(dir.resolve("model.safetensors")); // base + trained head together
            TrainCommand.writeOutputs(dir, trained, best, history, seconds, trainer, metrics, out);
        }
        return 0;
    }

    private static Dataset cached(FeatureExtractor fx, Dataset d, int batch, String what, PrintStream out) {
        long t0 = System.nanoTime();
        long step = Math.max(1, d.size() / 4);
        long[] next = {step};
        Dataset c = fx.cache(d, batch, done -> { // the backbone's forward pass is the long part: say how far it is
            if (done >= next[0] && done < d.size()) {
                out.printf(Locale.ROOT, "  %s: %d / %d images%n", what, done, d.size());
                next[0] += step;
            }
        });
        out.printf(Locale.ROOT, "  %s: %d images in %.1f s%n", what, d.size(), (System.nanoTime() - t0) / 1e9);
        return c;
    }

    /** Reads the folder as seed 002 (train/, validation/, test/) or seed 000 (one folder, split) lays it out. */
    static Splits open(Path root, ImageRecipe r, long seed, int threads, dev.torch4j.tensor.MemoryFormat format) {
        Pipeline trainPipeline = r.train().memoryFormat(format), evalPipeline = r.eval().memoryFormat(format);
        Path trainDir = root.resolve("train");
        if (Files.isDirectory(trainDir)) {
            ImageFolder train = folder(trainDir, r, trainPipeline, seed, threads);
            Path validDir = firstDirectory(root, "validation", "valid", "val");
            ImageFolder valid = validDir == null ? null : sameClasses(train, folder(validDir, r, trainPipeline, seed, threads).pipeline(evalPipeline));
            Path testDir = firstDirectory(root, "test");
            ImageFolder test = testDir == null ? null : sameClasses(train, folder(testDir, r, trainPipeline, seed, threads).pipeline(evalPipeline));
            return new Splits(train, train, valid, test, validDir == null ? "train/ only" : "train/ + " + validDir.getFileName() + "/" + (test == null ? "" : " + test/"));
        }
        ImageFolder all = folder(root, r, trainPipeline, seed, threads);
        long n = all.size(), test = n / 5, valid = (n - test) / 10;
        if (n - test - valid < 1 || valid < 1 || test < 1) {
            throw new IllegalArgumentException(root + " has " + n + " images: too few to split into training, validation and test sets");
        }
        List<Subset> split = Datasets.randomSplit(all, seed, n - test - valid, valid, test);
        ImageFolder plain = all.pipeline(evalPipeline); // the same files without augmentation
        return new Splits(all, split.get(0), new Subset(plain, split.get(1).indices()), new Subset(plain, split.get(2).indices()),
                "one folder split 72/8/20 with seed " + seed);
    }

    private static ImageFolder folder(Path dir, ImageRecipe r, Pipeline pipeline, long seed, int threads) {
        // The public cats-vs-dogs sets hold a few broken files: leave them out, each named once in a warning.
        ImageFolder f = ImageFolder.open(dir, pipeline).seed(seed).threads(threads).skipUnreadable(true);
        if (f.classes().size() != 2) {
            throw new IllegalArgumentException("recipe " + r.name() + " classifies two classes (e.g. cats/ and dogs/), but " + dir + " has "
                    + f.classes().size() + ": " + f.classes());
        }
        return f;
    }

    private static ImageFolder sameClasses(ImageFolder train, ImageFolder other) {
        if (!other.classes().equals(train.classes())) {
            throw new IllegalArgumentException(other.root() + " has classes " + other.classes() + " but " + train.root() + " has " + train.classes()
                    + "; the labels would not mean the same");
        }
        return other;
    }

    private static Path firstDirectory(Path root, String... names) {
        for (String n : names) if (Files.isDirectory(root.resolve(n))) return root.resolve(n);
        return null;
    }

    private static String count(Dataset d) {
        return d == null ? "no" : String.valueOf(d.size());
    }
}
