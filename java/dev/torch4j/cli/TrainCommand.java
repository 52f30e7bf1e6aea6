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
import dev.torch4j.distributed.Rendezvous;
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
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code train --recipe NAME}: runs a seed recipe on MNIST-format data (the embedded Fashion-MNIST sample by default);
 * the cats-vs-dogs recipes go to {@link ImageTrainCommand}, the transfer study to {@link TransferStudy}. The options
 * are declared here once, for all three: each recipe refuses those it does not take.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        description = {"Runs a seed recipe ('recipes' lists them). Without --data the MNIST-type recipes use the Fashion-MNIST sample",
                "inside the jar (6,000 training and 1,000 test images); --data reads the four MNIST-format IDX files of a directory",
                "(never downloading into it unless --download is given).",
                "The cats-vs-dogs recipes (s0-catdog, s0-resnet18, s2-cat, s2-cat-aug, s2-vgg-fe, s2-vgg-fe-aug, s2-vgg-ft) need",
                "--data DIR: a folder with train/ and validation/ (optionally test/) sub-folders, each with one folder per class, as",
                "seed 002 lays out cats_and_dogs; or one folder with a sub-folder per class, split 72/8/20 into training/validation/test",
                "as seed 000 means to (the photos: docs/results.md, \"Cats vs dogs\").",
                "The transfer recipes (s0-resnet18, s2-vgg-*) start from torchvision's ImageNet weights: --weights FILE (.pth, .pt or",
                ".safetensors), else the file torchvision publishes, looked up in $TORCH4J_WEIGHTS, ~/.torch4j/weights and",
                "~/.cache/torch/hub/checkpoints, downloaded when the network allows.", ""})
final class TrainCommand implements Callable<Integer> {
    @ParentCommand Main main;
    @Spec CommandSpec spec;

    @Option(names = "--recipe", paramLabel = "NAME", description = "The recipe to run (see 'recipes'); required unless --resume gives it.")
    String recipe;

    @Option(names = "--data", paramLabel = "DIR", description = "The data: four MNIST-format IDX files, or a photo folder for the cats-vs-dogs recipes.")
    Path data;

    @Option(names = "--download", description = {"Download Fashion-MNIST into --data DIR when its files are not there (without --data: the full",
            "set from the standard places, $TORCH4J_DATA, ~/.torch4j/data, /usr/share/datasets, downloaded into ~/.torch4j/data)."})
    boolean download;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs to train (default: the recipe's).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Images per step, per process (default: the recipe's).")
    Integer batchSize;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda|mps", defaultValue = "auto", description = "Where to train.")
    String device;

    @Option(names = "--threads", paramLabel = "N", description = "libtorch intra-op threads, at most the core count (default: libtorch's).")
    Integer threads;

    @Option(names = "--memory-format", paramLabel = "contiguous|channels-last|auto", description = {"How convolution weights are laid out;",
            "auto times the first batch in both and keeps the faster (default: the recipe's, channels-last where it measured faster)."})
    String memoryFormat;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seeds the weights, the shuffling and the random transforms.")
    long seed;

    @Option(names = "--valid", paramLabel = "FRACTION", description = "Validation fraction split off the training set, in [0, 1); 0 trains on all of it (default: the recipe's; MNIST-type recipes).")
    Double valid;

    @Option(names = "--weights", paramLabel = "FILE", description = "Pretrained backbone weights for the transfer recipes (.pth, .pt, .safetensors).")
    Path weights;

    @Option(names = "--out", paramLabel = "DIR", description = "Writes history.csv, curves.png, best.safetensors and metrics.json there.")
    Path out;

    @Option(names = "--snapshots", paramLabel = "DIR", description = "Writes a snapshot of the whole run there after each epoch.")
    Path snapshots;

    @Option(names = "--snapshot-every", paramLabel = "N", description = "Also a snapshot every N steps (needs --snapshots).")
    Long snapshotEvery;

    @Option(names = "--resume", paramLabel = "DIR", description = {"Continues a killed or finished run from its newest snapshot, exactly, with the options",
            "it was started with (give --epochs to train longer; options given again must agree)."})
    Path resume;

    @Option(names = "--budget", paramLabel = "N,N,...", split = ",", description = "Labelled images per class to fine-tune with (fmnist-transfer; default 5,20,100).")
    int[] budget;

    @Option(names = "--fine-tune-epochs", paramLabel = "N", description = "Fine-tuning epochs (fmnist-transfer; default 30).")
    Integer fineTuneEpochs;

    @Option(names = "--fine-tune-batch", paramLabel = "N", description = "Fine-tuning batch size (fmnist-transfer; default 16).")
    Integer fineTuneBatch;


    /** Set on ranks other than 0 of a data-parallel run: they print nothing to stdout (errors still go to stderr). */
    private boolean silent;

    @Override public Integer call() {
        // started by `launch` (torchrun's variables set): one rank of a data-parallel run
        if (!Rendezvous.inEnvironment()) return resolveAndRun();
        try (ProcessGroup g = ProcessGroup.init()) {
            silent = !g.isMain();
            return resolveAndRun();
        }
    }

    private int resolveAndRun() {
        TrainCommand o = SnapshotOptions.resolve(this);
        o.silent = silent;
        return o.runResolved(SnapshotOptions.of(o));
    }

    private static final PrintStream NOWHERE = new PrintStream(java.io.OutputStream.nullOutputStream());

    PrintStream out() {
        return silent ? NOWHERE : Main.out(main);
    }

    PrintStream err() {
        return Main.err(main);
    }

    /**
     * The options given on the command line, by name without "--", as given (flags as "true"): what a snapshot stores
     * so that {@code --resume} runs with them.
     */
    Map<String, String> given() {
        Map<String, String> g = new java.util.TreeMap<>();
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        if (pr == null) return g;
        for (CommandLine.Model.OptionSpec o : pr.matchedOptions()) {
            if (o.usageHelp() || o.versionHelp() || o.longestName().equals("--debug")) continue;
            List<String> raw = o.originalStringValues();
            g.put(o.longestName().substring(2), o.arity().max() == 0 ? "true" : String.join(",", raw));
        }
        return g;
    }

    /**
     * The layout given, or else {@code recipeDefault}; auto makes the trainer measure (its progress printer then says what it
     * chose). A recipe's channels-last default is said on {@code out}; contiguous is the model's own layout and left unset.
     */
    void applyMemoryFormat(Trainer trainer, dev.torch4j.tensor.MemoryFormat recipeDefault, java.io.PrintStream out) {
        if (autoFormat()) {
            trainer.measureMemoryFormat(true);
            return;
        }
        dev.torch4j.tensor.MemoryFormat f = fixedFormat(recipeDefault);
        if (memoryFormat == null && f == dev.torch4j.tensor.MemoryFormat.CONTIGUOUS) return; // the model's own layout
        trainer.memoryFormat(f);
        if (memoryFormat == null) out.println("layout: channels-last (this recipe's default: it trains faster so on the CPU, docs/benchmarks.md)");
    }

    private boolean autoFormat() {
        return memoryFormat != null && memoryFormat.strip().equalsIgnoreCase("auto");
    }

    /** The layout given, or the recipe's when none or auto is (for work the trainer does not run, e.g. features computed once). */
    dev.torch4j.tensor.MemoryFormat fixedFormat(dev.torch4j.tensor.MemoryFormat recipeDefault) {
        if (memoryFormat == null || autoFormat()) return recipeDefault;
        try {
            return dev.torch4j.tensor.MemoryFormat.parse(memoryFormat);
        } catch (IllegalArgumentException e) {
            throw Main.badValue(spec, "--memory-format must be contiguous, channels-last or auto, got '" + memoryFormat + "'");
        }
    }

    /** Refuses the options given that {@code what} does not take. */
    void refuse(Set<String> notTaken, String what) {
        for (String k : given().keySet()) {
            if (notTaken.contains(k)) throw new UsageException("train: --" + k + " does not apply to " + what);
        }
    }

    int threadsInForce() {
        return Main.threads(spec, threads, err());
    }

    int positive(String option, Integer value, int fallback) {
        if (value == null) return fallback;
        return Main.atLeast(spec, "--" + option, value, 1);
    }

    private int runResolved(SnapshotOptions snaps) {
        if (recipe == null) throw new UsageException("train: missing --recipe NAME (see 'recipes')");
        if (recipe.equals(TransferStudy.NAME)) return TransferStudy.run(this, out());
        Recipe r = Recipes.get(recipe);
        if (r == null && Recipes.image(recipe) == null) {
            throw new UsageException("train: unknown recipe '" + recipe + "'; known: " + String.join(", ", Recipes.names()) + ", " + TransferStudy.NAME);
        }
        fixedFormat(dev.torch4j.tensor.MemoryFormat.CONTIGUOUS); // a bad --memory-format is said before any data is read
        if (r == null) return ImageTrainCommand.run(this, Recipes.image(recipe), snaps, out());
        refuse(Set.of("weights", "budget", "fine-tune-epochs", "fine-tune-batch"), "recipe " + recipe + " (an MNIST-type recipe)");
        PrintStream out = out();
        int epochsInForce = positive("epochs", epochs, r.epochs() > 0 ? r.epochs() : 0);
        int batch = positive("batch-size", batchSize, r.batch());
        Device where = Device.parse(device).requireAvailable();
        int threadCount = threadsInForce();
        double validFraction = valid != null ? valid : r.validFraction();
        if (!(validFraction >= 0 && validFraction < 1)) throw Main.badValue(spec, "--valid must be in [0, 1), got " + validFraction);
        checkOut(this.out);
        snaps.inForce("batch-size", batch).inForce("seed", seed).inForce("threads", threadCount);
        Torch.setThreads(threadCount);

        // MNIST recipes take real MNIST when it is installed; otherwise, like the rest, the data given or the sample.
        MnistData mnist = data == null && !download && r.mnist() ? Mnist.installed().orElse(null) : null;
        MnistData ds = mnist != null ? mnist : download ? (data != null ? FashionMnist.download(data) : FashionMnist.load())
                : data == null ? FashionMnist.sample() : FashionMnist.load(data);
        out.printf(Locale.ROOT, "recipe %s (seed %s, as published: %s)%n", r.name(), r.seed(), r.description());
        out.printf(Locale.ROOT, "this run: %s, batch size %d, seed %d, %d thread%s, %s%n",
                r.byIterations() && epochs == null ? r.iterations() + " iterations" : epochsInForce + " epoch" + (epochsInForce == 1 ? "" : "s"),
                batch, seed, threadCount, threadCount == 1 ? "" : "s", where);
        String what = mnist != null ? "MNIST from " + mnist.source() : data == null && !download ? "embedded Fashion-MNIST sample" : ds.source().toString();
        out.printf(Locale.ROOT, "data: %s (%d training, %d test images)%s%n", what, ds.train(null).size(), ds.test(null).size(),
                r.mnist() && mnist == null ? (data == null && !download ? "; the seed trains on MNIST, which is not installed"
                        + " ($TORCH4J_DATA/mnist, ~/.torch4j/data/mnist, /usr/share/datasets/mnist): this run uses Fashion-MNIST"
                        : "; the seed trains on MNIST, this run uses the data given") : "");

        Normalization norm = switch (r.norm()) {
            case FIXED_MNIST -> Normalization.MNIST;
            case FROM_DATA -> Normalization.fromData(ds.train(null));
            case NONE -> null;
        };
        // the images stay bytes; each batch is converted and normalised when taken (a quarter of the memory of floats)
        ByteImageDataset all = ds.train(norm), test = ds.test(norm);
        dev.torch4j.data.Dataset train = all, validSet = null;
        if (validFraction > 0) {
            List<Subset> split = Datasets.randomSplit(all, r.splitSeed(), 1 - validFraction, validFraction);
            train = split.get(0);
            validSet = split.get(1);
        } else if (r.byIterations() && valid == null) {
            validSet = test; // seed 001 measures test accuracy during training
        }

        Torch.manualSeed(seed);
        Layer model = r.model().get();
        Trainer trainer = Trainer.of(model).optimizer(r.optimizer().get()).batchSize(batch).seed(seed).shuffle(r.shuffle()).device(where);
        applyMemoryFormat(trainer, dev.torch4j.tensor.MemoryFormat.CONTIGUOUS, out);
        if (r.byIterations()) {
            long perEpoch = (train.size() + batch - 1) / batch;
            boolean asEpochs = epochs != null; // --epochs N: N passes over the data, one history row each
            long iterations = asEpochs ? epochsInForce * perEpoch : r.iterations();
            trainer.iterations(iterations, asEpochs ? perEpoch : Math.min(r.validateEvery(), iterations));
        } else {
            trainer.epochs(epochsInForce);
        }
        Path dir = this.out;
        Checkpoint best = attachCallbacks(trainer, out, dir, validSet != null, snaps);
        describeParallel(out, batch);

        long t0 = System.nanoTime();
        History history = trainer.fit(train, validSet);
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
            metrics.put("data", data == null && !download ? "embedded Fashion-MNIST sample" : ds.source().toString());
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
    static void checkOut(Path outDir) {
        if (outDir != null && Files.exists(outDir) && !Files.isDirectory(outDir)) {
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

    static void list(PrintStream out) {
        for (Recipe r : Recipes.all()) out.printf(Locale.ROOT, "%-13s seed %s: %s%n", r.name(), r.seed(), r.description());
        out.printf(Locale.ROOT, "%-13s %s ([--data DIR] [--budget 5,20,100] [--epochs N] [--fine-tune-epochs N])%n", TransferStudy.NAME, TransferStudy.DESCRIPTION);
        for (ImageRecipe r : Recipes.images()) {
            out.printf(Locale.ROOT, "%-13s seed %s: %s (--data DIR%s)%n", r.name(), r.seed(), r.description(),
                    r.backbone() == null ? "" : " [--weights FILE]");
        }
    }
}
