package dev.torch4j.train;

import dev.torch4j.data.Batch;
import dev.torch4j.data.DataLoader;
import dev.torch4j.data.Dataset;
import dev.torch4j.distributed.DataParallel;
import dev.torch4j.distributed.ProcessGroup;
import dev.torch4j.nn.Layer;
import dev.torch4j.optim.Adam;
import dev.torch4j.optim.LrScheduler;
import dev.torch4j.optim.Optimizer;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Generator;
import dev.torch4j.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Trains a model: a {@link TrainStep} per batch (zero-grad, forward and loss, backward, optimizer step, each step in
 * its own scope), an {@link EvalLoop} after each epoch, metrics by name, callbacks as the way in, and snapshots that
 * let a killed run continue exactly.
 *
 * <pre>{@code
 * History h = Trainer.of(model).loss(Loss.crossEntropy()).optimizer(Adam.of(1e-3))
 *     .epochs(10).batchSize(64).seed(42).snapshots(Path.of("run")).fit(train, valid);
 * }</pre>
 *
 * <p>Randomness: the trainer draws Dropout masks and any other random op of the step from a {@link Generator} of its
 * own, seeded by {@link #seed} (or, without one, from the global generator, so {@code Torch.manualSeed} still fixes
 * a run); shuffling follows (seed, epoch). Two trainers in two threads therefore give what each gives alone.
 *
 * <p>Threads: a trainer, its model and its optimizer belong to one thread while it trains; do not share them.
 * Several trainers, each with its own model and optimizer, may run in parallel.
 *
 * <p>Host synchronisation: the loss and the metrics are added up on the device; the loss is checked for NaN every
 * {@link #checkEvery} steps and the metrics are read once per epoch.
 *
 * <p>Options are checked when {@link #fit} starts: combinations that cannot work are refused with a message that
 * names them. A trainer is for one thread.
 */
public final class Trainer {
    private static final int DEFAULT_EPOCHS = 10;
    private final Layer model;
    private Loss loss = Loss.crossEntropy();
    private Optimizer optimizer;
    private Function<Optimizer, LrScheduler> scheduler;
    private boolean schedulePerBatch;
    private Integer epochs;
    private int batchSize = 64;
    private Device device;
    private Long seed;
    private boolean shuffle = true, skipNonFinite, probabilities;
    private final List<Callback> callbacks = new ArrayList<>();
    private List<Metric> metrics;
    private static final boolean GC_AFTER_FIRST_PERIOD = Boolean.parseBoolean(System.getProperty("torch4j.gcAfterFirstEpoch", "true"));
    private boolean progress = true;
    private long iterations, validateEvery;
    private TrainStep customStep;
    private int checkEvery = 50;
    private Path snapshotDir, resumeDir;
    private long snapshotSteps;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private ProcessGroup group;
    private boolean groupGiven;
    private dev.torch4j.tensor.MemoryFormat memoryFormat; // null: the model's own layout
    private boolean measureFormat;
    private LayoutChoice layoutChoice; // what the last measuring fit chose
    // during fit: the data-parallel group (null when training alone) and the model's wrapper
    private ProcessGroup runGroup;
    private DataParallel parallel;

    private Trainer(Layer model) {
        this.model = model;
    }

    public static Trainer of(Layer model) {
        return new Trainer(model);
    }

    public Trainer loss(Loss l) {
        loss = l;
        return this;
    }

    /** The optimizer; bound to the model's trainable parameters at fit time unless already bound. Default Adam(1e-3). */
    public Trainer optimizer(Optimizer o) {
        optimizer = o;
        return this;
    }

    /** A learning-rate schedule stepped after every epoch, e.g. {@code o -> StepLR.of(o, 5, 0.1)}. */
    public Trainer scheduler(Function<Optimizer, LrScheduler> make) {
        scheduler = make;
        schedulePerBatch = false;
        return this;
    }

    /** A learning-rate schedule stepped after every batch. */
    public Trainer schedulerPerBatch(Function<Optimizer, LrScheduler> make) {
        scheduler = make;
        schedulePerBatch = true;
        return this;
    }

    /** Epochs to train (default 10); not together with {@link #iterations}. */
    public Trainer epochs(int n) {
        dev.torch4j.config.Check.atLeast("Trainer", "epochs", n, 1);
        epochs = n;
        return this;
    }

    public Trainer batchSize(int n) {
        dev.torch4j.config.Check.atLeast("Trainer", "batchSize", n, 1);
        batchSize = n;
        return this;
    }

    /** Where to train; {@link Device#auto()} by default. */
    public Trainer device(Device d) {
        device = d.requireAvailable();
        return this;
    }

    /** Seeds the trainer's random streams and the shuffling: two CPU runs with the same seed and threads are equal bit for bit. */
    public Trainer seed(long s) {
        seed = s;
        return this;
    }

    public Trainer shuffle(boolean on) {
        shuffle = on;
        return this;
    }

    /**
     * Skip a batch whose loss is NaN or infinite instead of stopping (the default stops with a message). Skipping
     * must look at every step's loss, so it synchronises with the device once per step.
     */
    public Trainer skipNonFiniteLoss(boolean on) {
        skipNonFinite = on;
        return this;
    }

    /** The model outputs probabilities (ends in Sigmoid, trained with BCE): binary accuracy thresholds at 0.5. */
    public Trainer probabilities(boolean on) {
        probabilities = on;
        return this;
    }

    public Trainer callbacks(Callback... cs) {
        for (Callback c : cs) {
            if (c == null) throw new IllegalArgumentException("callbacks must not be null");
            callbacks.add(c);
        }
        return this;
    }

    /**
     * The metrics measured on training and validation batches, in place of the default (accuracy): each appears as
     * {@code train_<name>} and {@code val_<name>}. Give {@link Metric#accuracy()} too to keep it.
     */
    public Trainer metrics(Metric... ms) {
        Set<String> names = new LinkedHashSet<>();
        for (Metric m : ms) {
            if (!m.name().matches("[A-Za-z0-9_]+")) throw new IllegalArgumentException("metric name '" + m.name() + "' must be letters, digits and '_'");
            if (m.name().equals("loss")) throw new IllegalArgumentException("'loss' is the loss's own name; call the metric something else");
            if (!names.add(m.name())) throw new IllegalArgumentException("two metrics are named '" + m.name() + "'");
        }
        metrics = List.of(ms);
        return this;
    }

    /**
     * With true, no progress lines. By default a fit logs one line per epoch ({@link ProgressPrinter#logger()}) unless a
     * {@link ProgressPrinter} is among the callbacks ({@code ProgressPrinter.console()} prints to stdout).
     */
    public Trainer quiet(boolean on) {
        progress = !on;
        return this;
    }

    /**
     * Trains for {@code total} batches instead of epochs (e.g. 3,000 iterations), validating every
     * {@code validateEvery} of them and after the last; each validation period becomes one row of the history.
     */
    public Trainer iterations(long total, long validateEvery) {
        if (total < 1 || validateEvery < 1 || validateEvery > total) {
            throw new IllegalArgumentException("need 1 <= validateEvery <= iterations, got " + validateEvery + " and " + total);
        }
        this.iterations = total;
        this.validateEvery = validateEvery;
        return this;
    }

    /** Replaces the default step (the loss of the model's output against the targets) with your own. */
    public Trainer step(TrainStep custom) {
        customStep = custom;
        return this;
    }

    /** How often (in steps) the loss is checked for NaN and infinity; 1 checks every step. Default 50. */
    public Trainer checkEvery(int steps) {
        dev.torch4j.config.Check.atLeast("Trainer", "checkEvery", steps, 1);
        checkEvery = steps;
        return this;
    }

    /**
     * Writes a {@link Snapshot} into {@code dir} after every epoch (validation period): everything {@link #resumeFrom}
     * needs to continue the run exactly.
     */
    public Trainer snapshots(Path dir) {
        return snapshots(dir, 0);
    }

    /** As {@link #snapshots(Path)}, and also every {@code everySteps} steps inside an epoch (0: at epoch ends only). */
    public Trainer snapshots(Path dir, long everySteps) {
        dev.torch4j.config.Check.atLeast("Trainer", "snapshots everySteps", everySteps, 0L);
        snapshotDir = dir;
        snapshotSteps = everySteps;
        return this;
    }

    /**
     * Continues the run whose snapshots are in {@code dir}: weights, optimizer and scheduler state, random streams,
     * position in the data, history and callbacks' state are restored (after the whole snapshot was checked), and
     * training goes on up to the configured epochs. The options must be those the run was started with (more epochs
     * are allowed); a contradiction is an error.
     */
    public Trainer resumeFrom(Path dir) {
        resumeDir = dir;
        return this;
    }

    /**
     * Trains data-parallel over {@code group} (null: alone). By default the trainer uses the process's active group
     * ({@link ProcessGroup#active()}), so a program started with {@code torch4j launch} that calls
     * {@link ProcessGroup#init()} trains data-parallel unchanged: each rank trains on its share of every epoch
     * ({@link DataLoader#shard}) with the batch size given here (the effective batch is {@code worldSize} times larger),
     * gradients are averaged over the ranks ({@link DataParallel}), validation is split over the ranks and its sums
     * added up, every rank gets the same history, reporting callbacks ({@link Callback#mainProcessOnly()}) and
     * snapshots run on rank 0 while the others wait, and any rank's stop request stops all.
     */
    public Trainer distributed(ProcessGroup g) {
        group = g;
        groupGiven = true;
        return this;
    }

    /**
     * Lays out the model's convolution weights in {@code format} when fit starts ({@link Layer#to(dev.torch4j.tensor.MemoryFormat)};
     * PyTorch's {@code model.to(memory_format=...)}): CHANNELS_LAST trains seed 002's cat classifier 1.5-1.6x faster on
     * this CPU, seed 004's 28x28 network 0.7x as fast (docs/benchmarks.md). Default: the model's own layout; see also
     * {@link #measureMemoryFormat(boolean)}.
     */
    public Trainer memoryFormat(dev.torch4j.tensor.MemoryFormat format) {
        memoryFormat = dev.torch4j.config.Check.present("Trainer", "memoryFormat", format);
        return this;
    }

    /**
     * With {@code true}, fit first times the training step (forward and backward) on the first batch with the convolution
     * weights contiguous and channels-last, two rounds interleaved, and trains in the faster; channels-last only when it is
     * at least 10 % faster ({@link LayoutChoice#MARGIN}). The model, its buffers and the random streams are left as they
     * were; a resumed run keeps the layout its snapshot records; in a data-parallel run rank 0's choice holds everywhere.
     * Off by default because the choice depends on the machine's speed at that moment, and the two layouts round
     * differently: a run that must give the same numbers every time names its layout ({@link #memoryFormat}).
     * {@link #layoutChoice()} says what was chosen.
     */
    public Trainer measureMemoryFormat(boolean on) {
        measureFormat = on;
        return this;
    }

    /** The choice and the times of the last fit that {@link #measureMemoryFormat(boolean) measured}; empty before. */
    public java.util.Optional<LayoutChoice> layoutChoice() {
        return java.util.Optional.ofNullable(layoutChoice);
    }

    /** A note stored in every snapshot (e.g. the command line that started the run); see {@link Snapshot#tags()}. */
    public Trainer tag(String key, String value) {
        tags.put(key, value);
        return this;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public Device device() {
        if (device == null) device = Device.auto();
        return device;
    }

    /** Trains for the configured epochs (or iterations); {@code valid} may be null. */
    public History fit(Dataset train, Dataset valid) {
        List<Metric> ms = metricsInUse();
        if (train.size() == 0) throw new IllegalArgumentException("the training set is empty");
        if (probabilities && metrics != null) {
            throw new IllegalStateException("probabilities(true) changes the built-in accuracy, which metrics(...) replaced;"
                    + " give Metric.accuracyOfProbabilities() among the metrics instead");
        }
        if (epochs != null && iterations > 0) {
            throw new IllegalStateException("both epochs(" + epochs + ") and iterations(" + iterations + ", " + validateEvery + ") are set; choose one");
        }
        if (snapshotDir != null && Files.exists(snapshotDir) && !Files.isDirectory(snapshotDir)) {
            throw new IllegalArgumentException("snapshot directory " + snapshotDir + " is a file");
        }
        ProcessGroup pg = groupGiven ? group : ProcessGroup.active().orElse(null);
        if (pg != null && pg.worldSize() == 1) pg = null;
        if (pg != null && skipNonFinite) {
            throw new IllegalStateException("skipNonFiniteLoss(true) cannot be used in a data-parallel run: a rank that skipped a step would"
                    + " leave the others waiting for its gradients");
        }
        boolean main = pg == null || pg.isMain();
        runGroup = pg; // cleared when fit ends
        if (pg != null && device().type() == Device.Type.CUDA && device().index() == 0 && pg.localRank() > 0) {
            // one GPU per process, as with torchrun: local rank k trains on cuda:k (NCCL averages the gradients)
            device = Device.cuda(pg.localRank() % Math.max(1, Device.cudaDeviceCount())).requireAvailable();
        }
        Snapshot snap = null;
        if (resumeDir != null) {
            if (main) Snapshot.removeStale(resumeDir);
            if (pg != null) pg.barrier(); // every rank reads the snapshot rank 0 has tidied (the directory must be shared)
            snap = Snapshot.latest(resumeDir).orElseThrow(() -> new IllegalArgumentException("no training snapshot in " + resumeDir
                    + (Files.isDirectory(resumeDir) ? " (no snapshot-*.safetensors file)" : " (no such directory)")));
        }
        if (snapshotDir != null && main) Snapshot.removeStale(snapshotDir);
        model.to(device());
        if (measureFormat && memoryFormat != null) {
            throw new IllegalStateException("both memoryFormat(" + memoryFormat + ") and measureMemoryFormat(true) are set; choose one");
        }
        dev.torch4j.tensor.MemoryFormat format = memoryFormat;
        if (measureFormat) format = chooseFormat(snap, train, pg);
        if (format != null) model.to(format);
        if (optimizer == null) optimizer = Adam.of(1e-3);
        if (optimizer.groups().isEmpty()) optimizer.on(model);
        LrScheduler sched = scheduler == null ? null : scheduler.apply(optimizer);
        List<Callback> all = new ArrayList<>(callbacks);
        if (progress && all.stream().noneMatch(c -> c instanceof ProgressPrinter)) all.add(ProgressPrinter.logger());
        if (!main) all.removeIf(Callback::mainProcessOnly);

        long runSeed = seed != null ? seed : snap != null ? ((Number) snap.section("options").get("seed")).longValue()
                : Generator.fromGlobal().seed();
        DataLoader loader = shuffle ? DataLoader.shuffled(train, batchSize, runSeed) : DataLoader.sequential(train, batchSize);
        if (pg != null) loader = loader.shard(pg.rank(), pg.worldSize());
        Plan plan = new Plan(iterations > 0, iterations, validateEvery, epochs == null ? DEFAULT_EPOCHS : epochs, loader.batches());
        Map<String, Object> options = options(plan, train, runSeed, ms, format);
        Set<String> names = metricNames(ms, valid != null);
        for (Callback c : all) {
            for (String m : c.monitors()) {
                if (!names.contains(m)) {
                    throw new IllegalStateException(c.getClass().getSimpleName() + " monitors " + m + ", which this run does not measure"
                            + (m.startsWith("val_") && valid == null ? " (fit was given no validation set)" : "") + "; it measures: " + String.join(", ", names));
                }
            }
        }
        Generator gen = Generator.seeded(runSeed);
        History history = new History();
        Position pos = new Position();
        Accumulator acc = new Accumulator(device(), ms);
        try {
            if (snap != null) restore(snap, options, plan, sched, gen, all, history, pos, acc);
            if (pg != null) parallel = DataParallel.of(model, pg).start(); // rank 0's weights everywhere, gradient buckets ready
            FitContext ctx = new FitContext(model, plan.periods(), plan.stepsIn(Math.min(pos.period, plan.periods())), names, history,
                    pos.period, pos.step, plan.byIterations(), java.util.Optional.ofNullable(layoutChoice));
            for (Callback c : all) c.onFitStart(ctx);
            try (Generator.Use u = gen.use(); LossWatch watch = new LossWatch(device(), skipNonFinite ? 1 : checkEvery, plan)) {
                run(train, valid, loader, plan, options, sched, gen, all, history, pos, acc, ms, watch);
            }
            if (parallel != null) parallel.syncBuffers(); // every rank ends with rank 0's model
        } finally {
            acc.close();
            if (parallel != null) parallel.close();
            parallel = null;
            runGroup = null;
        }
        for (Callback c : all) c.onFitEnd(history, model);
        return history;
    }

    private List<Metric> metricsInUse() {
        if (metrics != null) return metrics;
        return List.of(probabilities ? Metric.accuracyOfProbabilities() : Metric.accuracy());
    }

    private static Set<String> metricNames(List<Metric> ms, boolean validated) {
        Set<String> names = new LinkedHashSet<>();
        names.add("train_loss");
        for (Metric m : ms) names.add("train_" + m.name());
        if (validated) {
            names.add("val_loss");
            for (Metric m : ms) names.add("val_" + m.name());
        }
        names.add("lr");
        names.add("seconds");
        return names;
    }

    /** Epochs or validation periods, and the steps in each. */
    record Plan(boolean byIterations, long iterations, long validateEvery, int epochs, long batchesPerEpoch) {
        int periods() {
            return byIterations ? Math.toIntExact((iterations + validateEvery - 1) / validateEvery) : epochs;
        }

        /** Steps in period {@code p} (from 1): the last validation period may be shorter. */
        long stepsIn(int p) {
            return byIterations ? Math.min(validateEvery, iterations - (p - 1) * validateEvery) : batchesPerEpoch;
        }
    }

    /** Where the run is: the period (from 1) it is in, the steps of it done, the steps done in all. */
    static final class Position {
        int period = 1;
        long step, global, skipped;
        double periodLr = Double.NaN, secondsBefore;
    }

    /**
     * The layout a measuring fit trains in: the snapshot's when resuming, else the faster on the first batch (rank 0's in a
     * data-parallel run); null for a model without convolution weights.
     */
    private dev.torch4j.tensor.MemoryFormat chooseFormat(Snapshot snap, Dataset train, ProcessGroup pg) {
        layoutChoice = null;
        if (snap != null) {
            Object stored = snap.section("options").get("memory_format");
            return stored == null ? null : dev.torch4j.tensor.MemoryFormat.parse(stored.toString());
        }
        if (!LayoutProbe.applies(model)) return null;
        TrainStep step = customStep != null ? customStep : TrainStep.standard(loss);
        try (dev.torch4j.tensor.Scope s = dev.torch4j.tensor.Scope.open();
             Generator.Use u = Generator.seeded(0).use()) { // a random transform's draws for this batch leave no trace
            Batch b = DataLoader.sequential(train, batchSize).iterator().next();
            layoutChoice = LayoutProbe.measure(model, step, new Batch(b.inputs().to(device), b.targets().to(device)));
            dev.torch4j.tensor.MemoryFormat f = layoutChoice.format();
            if (pg != null) {
                long last = pg.broadcast_(Tensor.of(new long[] {f == dev.torch4j.tensor.MemoryFormat.CHANNELS_LAST ? 1 : 0}, 1), 0).toLongArray()[0];
                f = last == 1 ? dev.torch4j.tensor.MemoryFormat.CHANNELS_LAST : dev.torch4j.tensor.MemoryFormat.CONTIGUOUS;
            }
            return f;
        }
    }

    /** The options that must not change between a run and its resumption (epochs and iterations may grow). */
    private Map<String, Object> options(Plan plan, Dataset train, long runSeed, List<Metric> ms, dev.torch4j.tensor.MemoryFormat format) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model.getClass().getName());
        o.put("parameters", model.parameterCount());
        o.put("optimizer", optimizer.getClass().getName());
        o.put("batch_size", batchSize);
        o.put("shuffle", shuffle);
        o.put("seed", runSeed);
        o.put("train_size", train.size());
        o.put("by_iterations", plan.byIterations());
        if (plan.byIterations()) o.put("validate_every", plan.validateEvery());
        o.put("metrics", ms.stream().map(Metric::name).toList());
        o.put("scheduler_per_batch", scheduler != null && schedulePerBatch);
        if (runGroupSize() > 1) o.put("world_size", runGroupSize());
        if (format != null) o.put("memory_format", format.toString()); // the arithmetic's order differs
        return o;
    }

    private int runGroupSize() {
        return runGroup == null ? 1 : runGroup.worldSize();
    }

    private void restore(Snapshot snap, Map<String, Object> options, Plan plan, LrScheduler sched, Generator gen, List<Callback> all,
                         History history, Position pos, Accumulator acc) {
        Map<String, Object> saved = snap.section("options");
        int savedWorld = saved.get("world_size") instanceof Number w ? w.intValue() : 1;
        if (savedWorld != runGroupSize()) {
            throw new IllegalArgumentException("cannot resume the run in " + snap.file().getParent() + ": it ran on " + savedWorld
                    + " process" + (savedWorld > 1 ? "es" : "") + ", this one has " + runGroupSize() + " (each process's share of the data"
                    + " depends on it); resume with --nproc-per-node " + savedWorld + " in all");
        }
        for (Map.Entry<String, Object> e : options.entrySet()) {
            Object was = saved.get(e.getKey());
            if (!same(was, e.getValue())) {
                throw new IllegalArgumentException("cannot resume the run in " + snap.file().getParent() + ": it was started with "
                        + e.getKey() + " = " + was + ", this trainer has " + e.getValue() + "; resume with the run's own options");
            }
        }
        // check everything before anything changes
        dev.torch4j.io.StateDict modelState = snap.tensors("model"), optimState = snap.tensors("optimizer");
        model.checkStateDict(modelState, true);
        optimizer.checkStateDict(optimState);
        Map<String, Tensor> random = new LinkedHashMap<>(snap.tensors("random").asMap());
        if (random.isEmpty()) throw snap.damaged("no random state");
        gen.checkState(random);
        Map<String, Object> m = snap.manifest();
        int period;
        long step, global;
        try {
            period = ((Number) m.get("period")).intValue();
            step = ((Number) m.get("step")).longValue();
            global = ((Number) m.get("global_step")).longValue();
        } catch (RuntimeException e) {
            throw snap.damaged("no position (" + e + ")");
        }
        if (Boolean.TRUE.equals(m.get("stopped"))) {
            throw new IllegalStateException("the run in " + snap.file().getParent() + " was stopped by a callback after epoch " + (period - 1)
                    + "; there is nothing to continue");
        }
        if (period > plan.periods()) {
            throw new IllegalStateException("the run in " + snap.file().getParent() + " already finished " + (period - 1)
                    + (plan.byIterations() ? " validation periods" : " epochs") + "; ask for more than " + plan.periods());
        }
        if (step >= plan.stepsIn(period)) throw snap.damaged("step " + step + " is past the end of period " + period);
        History restored;
        try {
            restored = History.fromRows((List<?>) m.getOrDefault("history", List.of()));
        } catch (RuntimeException e) {
            throw snap.damaged("unreadable history (" + e + ")");
        }
        if (restored.epochs().size() != period - 1) throw snap.damaged("history has " + restored.epochs().size() + " rows for period " + period);
        // apply
        model.loadStateDict(modelState, true);
        optimizer.loadStateDict(optimState);
        gen.setState(random);
        if (sched != null) sched.restoreSteps(((Number) m.getOrDefault("scheduler_steps", 0)).intValue());
        for (EpochResult r : restored.epochs()) history.add(r);
        Map<String, Object> states = snap.section("callbacks");
        Map<String, Callback> keyed = keyed(all);
        for (Map.Entry<String, Callback> e : keyed.entrySet()) {
            Object s = states.get(e.getKey());
            if (s instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked") Map<String, Object> st = (Map<String, Object>) map;
                e.getValue().loadState(st);
            }
        }
        pos.period = period;
        pos.step = step;
        pos.global = global;
        if (step > 0) {
            pos.periodLr = Callback.number(m.get("period_lr"));
            pos.secondsBefore = Callback.number(m.getOrDefault("period_seconds", 0));
            pos.skipped = ((Number) m.getOrDefault("skipped", 0)).longValue();
            // a data-parallel snapshot holds the sums of all ranks: rank 0 takes them back, the others start from zero
            if (runGroup == null || runGroup.isMain()) {
                acc.restore(snap.tensors("running").asMap(), ((Number) m.get("samples")).longValue(), ((Number) m.get("measured")).longValue());
            }
        }
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) return x.doubleValue() == y.doubleValue();
        if (a instanceof List<?> x && b instanceof List<?> y) return x.equals(y);
        return a != null && a.equals(b);
    }

    /** Callbacks by a stable key (class name, and its index among callbacks of that class), for their saved state. */
    private static Map<String, Callback> keyed(List<Callback> all) {
        Map<String, Callback> out = new LinkedHashMap<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Callback c : all) {
            String name = c.getClass().getName();
            int i = seen.merge(name, 1, Integer::sum) - 1;
            out.put(name + "#" + i, c);
        }
        return out;
    }

    private void run(Dataset train, Dataset valid, DataLoader loader, Plan plan, Map<String, Object> options, LrScheduler sched,
                     Generator gen, List<Callback> all, History history, Position pos, Accumulator acc, List<Metric> ms, LossWatch watch) {
        TrainStep step = customStep != null ? customStep : TrainStep.standard(loss);
        EvalLoop eval = new EvalLoop(loss, ms, batchSize, device());
        Batches batches = new Batches(loader, pos.global);
        final int firstPeriod = pos.period; // of this run (a resumed one starts later)
        for (int period = pos.period; period <= plan.periods(); period++) {
            long steps = plan.stepsIn(period);
            if (pos.step == 0) {
                pos.periodLr = optimizer.lr();
                pos.secondsBefore = 0;
                pos.skipped = 0;
                acc.reset();
            }
            long t0 = System.nanoTime();
            model.train();
            while (pos.step < steps) {
                try (dev.torch4j.tensor.Scope s = dev.torch4j.tensor.Scope.open()) {
                    Batch b = batches.next();
                    long n = b.size();
                    if (b.targets().size(0) != n) {
                        throw new TrainingException("batch " + (pos.step + 1) + " of " + where(plan, period) + " has " + n + " inputs but "
                                + b.targets().size(0) + " targets");
                    }
                    Batch onDevice = new Batch(b.inputs().to(device), b.targets().to(device));
                    optimizer.zeroGrad();
                    if (parallel != null) parallel.beforeForward();
                    StepOutput o = step.run(model, onDevice);
                    if (parallel != null) parallel.afterForward();
                    if (o.loss().numel() != 1) {
                        throw new TrainingException("the step's loss must be a single value, got shape " + Arrays.toString(o.loss().shape())
                                + " (a loss with Reduction.NONE needs .mean() or .sum())");
                    }
                    pos.step++;
                    pos.global++;
                    if (skipNonFinite && !Double.isFinite(o.loss().item())) {
                        pos.skipped++;
                    } else {
                        backward(o.loss());
                        optimizer.step();
                        acc.add(o, n);
                        watch.record(o.loss(), period, pos.step, steps, n);
                    }
                    if (sched != null && schedulePerBatch) sched.step();
                    StepInfo info = new StepInfo(period, pos.step, steps, n, pos.global, o.loss(), acc::meanLoss);
                    for (Callback c : all) c.onBatchEnd(info);
                    if (pos.step % checkEvery == 0) watch.check();
                    if (snapshotDir != null && snapshotSteps > 0 && pos.global % snapshotSteps == 0 && pos.step < steps) {
                        watch.check(); // never snapshot weights that a NaN loss has spoiled
                        pos.secondsBefore += (System.nanoTime() - t0) / 1e9;
                        t0 = System.nanoTime();
                        snapshot(options, sched, gen, all, history, pos, acc, false);
                    }
                }
            }
            watch.check();
            // One collection after the first epoch: the JVM sizes its young generation from the initial heap (1/64 of RAM)
            // and, with garbage this cheap to collect, lets it grow to ~200 MB before its first collection; the RSS grew
            // with it for tens of seconds. A full collection now shrinks the heap to what is live, and RSS stays flat.
            if (period == firstPeriod && GC_AFTER_FIRST_PERIOD) System.gc();
            if (sched != null && !schedulePerBatch) sched.step();
            acc.sumOver(runGroup);
            Map<String, Double> row = new LinkedHashMap<>(acc.values("train_"));
            if (valid != null) {
                if (parallel != null) parallel.syncBuffers(); // every rank evaluates rank 0's model
                for (Map.Entry<String, Double> e : eval.run(model, valid, runGroup).metrics().entrySet()) row.put("val_" + e.getKey(), e.getValue());
            }
            row.put("lr", pos.periodLr);
            row.put("seconds", pos.secondsBefore + (System.nanoTime() - t0) / 1e9);
            EpochResult r = new EpochResult(period, row);
            history.add(r);
            boolean stop = false;
            for (Callback c : all) stop |= c.onEpochEnd(r, model);
            if (runGroup != null) stop = anyRank(stop);
            pos.period = period + 1;
            pos.step = 0;
            if (snapshotDir != null) {
                snapshot(options, sched, gen, all, history, pos, acc, stop);
            }
            if (stop) break;
        }
    }

    private void backward(Tensor loss) {
        try {
            loss.backward();
        } catch (RuntimeException e) {
            if (runGroup != null) throw runGroup.failed("averaging the gradients (backward pass)", e);
            throw e;
        }
    }

    /** True on every rank when any rank says true. */
    private boolean anyRank(boolean mine) {
        try (dev.torch4j.tensor.Scope s = dev.torch4j.tensor.Scope.open()) {
            return runGroup.allReduce_(Tensor.of(new long[] {mine ? 1 : 0}, 1), dev.torch4j.distributed.ReduceOp.MAX).toLongArray()[0] > 0;
        }
    }

    private static String where(Plan plan, int period) {
        return (plan.byIterations() ? "validation period " : "epoch ") + period;
    }

    /** Writes a snapshot; in a data-parallel run rank 0 writes it (with the running sums of all ranks) while the others wait. */
    private void snapshot(Map<String, Object> options, LrScheduler sched, Generator gen, List<Callback> all, History history,
                          Position pos, Accumulator acc, boolean stopped) {
        if (runGroup == null) {
            write(options, sched, gen, all, history, pos, acc, stopped);
            return;
        }
        try (Accumulator summed = pos.step > 0 ? acc.summedCopy(runGroup) : null) {
            if (runGroup.isMain()) write(options, sched, gen, all, history, pos, summed != null ? summed : acc, stopped);
        }
        runGroup.barrier();
    }

    private void write(Map<String, Object> options, LrScheduler sched, Generator gen, List<Callback> all, History history,
                       Position pos, Accumulator acc, boolean stopped) {
        try (dev.torch4j.tensor.Scope s = dev.torch4j.tensor.Scope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) tensors.put("model/" + e.getKey(), e.getValue());
            for (Map.Entry<String, Tensor> e : optimizer.stateDict().entrySet()) tensors.put("optimizer/" + e.getKey(), e.getValue());
            for (Map.Entry<String, Tensor> e : gen.state().entrySet()) tensors.put("random/" + e.getKey(), e.getValue());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("global_step", pos.global);
            m.put("period", pos.period);
            m.put("step", pos.step);
            m.put("stopped", stopped);
            if (pos.step > 0) {
                for (Map.Entry<String, Tensor> e : acc.state().entrySet()) tensors.put("running/" + e.getKey(), e.getValue());
                m.put("samples", acc.samples());
                m.put("measured", acc.measured());
                m.put("period_lr", pos.periodLr);
                m.put("period_seconds", pos.secondsBefore);
                m.put("skipped", pos.skipped);
            }
            m.put("scheduler_steps", sched == null ? 0 : sched.epoch());
            m.put("options", options);
            m.put("history", history.rows());
            Map<String, Object> states = new LinkedHashMap<>();
            for (Map.Entry<String, Callback> e : keyed(all).entrySet()) {
                Map<String, Object> st = e.getValue().state();
                if (!st.isEmpty()) states.put(e.getKey(), st);
            }
            m.put("callbacks", states);
            m.put("tags", tags);
            Snapshot.write(snapshotDir, pos.global, m, tensors);
        }
    }

    /** Batches across epochs, from any step on: epoch {@code g / B}, batch {@code g % B} for step g. */
    private static final class Batches {
        private final DataLoader loader;
        private int epoch;
        private java.util.Iterator<Batch> it;

        Batches(DataLoader loader, long globalStep) {
            this.loader = loader;
            long perEpoch = loader.batches();
            this.epoch = Math.toIntExact(globalStep / perEpoch);
            this.it = loader.epoch(epoch).iterator(globalStep % perEpoch);
        }

        Batch next() {
            if (!it.hasNext()) it = loader.epoch(++epoch).iterator();
            return it.next();
        }
    }

    /**
     * The losses since the last check, kept on the device; {@link #check} reads them at once and, on a NaN or
     * infinity, stops the run naming the first bad step.
     */
    private final class LossWatch implements AutoCloseable {
        private final Tensor recent;
        private final int capacity;
        private final Plan plan;
        private final int[] periods;
        private final long[] steps, sizes, stepCounts;
        private int n;

        LossWatch(Device device, int capacity, Plan plan) {
            this.capacity = capacity;
            this.plan = plan;
            this.recent = Tensor.zeros(capacity).to(device);
            recent.handle().retainReference();
            periods = new int[capacity];
            steps = new long[capacity];
            sizes = new long[capacity];
            stepCounts = new long[capacity];
        }

        void record(Tensor loss, int period, long step, long stepsInPeriod, long size) {
            if (n == capacity) check();
            try (dev.torch4j.tensor.Torch.NoGrad g = dev.torch4j.tensor.Torch.noGrad()) {
                recent.select(0, n).copy_(loss.detach().reshape());
            }
            periods[n] = period;
            steps[n] = step;
            sizes[n] = size;
            stepCounts[n] = stepsInPeriod;
            n++;
        }

        void check() {
            if (n == 0) return;
            int count = n;
            n = 0;
            try (dev.torch4j.tensor.Scope s = dev.torch4j.tensor.Scope.open()) {
                Tensor window = recent.narrow(0, 0, count);
                long bad = window.nonFiniteCount();
                if (runGroup != null) { // all ranks stop together, at the same step
                    bad = runGroup.allReduce_(Tensor.of(new long[] {bad}, 1), dev.torch4j.distributed.ReduceOp.MAX).toLongArray()[0];
                }
                if (bad == 0) return;
                float[] v = window.to(Device.cpu()).toFloatArray();
                for (int i = 0; i < count; i++) {
                    if (Float.isFinite(v[i])) continue;
                    String at = plan.byIterations() ? "iteration " + ((periods[i] - 1) * plan.validateEvery() + steps[i])
                            : "epoch " + periods[i] + ", step " + steps[i] + " of " + stepCounts[i];
                    throw new TrainingException("loss is " + v[i] + " at " + at + " (batch of " + sizes[i] + "); lower the learning rate,"
                            + " check the inputs for NaN, or use skipNonFiniteLoss(true)"
                            + (count > 1 ? " (the loss is checked every " + capacity + " steps: the weights are those after the last step run)" : ""));
                }
                throw new TrainingException("the loss is not finite on another rank of the data-parallel run (between steps " + steps[0]
                        + " and " + steps[count - 1] + " of " + where(plan, periods[count - 1]) + "); that rank's log says where");
            }
        }

        @Override public void close() {
            recent.close();
        }
    }

    /** Mean loss and metrics over {@code data}, in evaluation mode, without gradients (each module's mode comes back after). */
    public Evaluation evaluate(Dataset data) {
        model.to(device());
        return new EvalLoop(loss, metricsInUse(), batchSize, device()).run(model, data);
    }

    /** The model's outputs for every example of {@code data}, in order, on the CPU (eval mode, no gradients). */
    public Tensor predict(Dataset data) {
        model.to(device());
        return new EvalLoop(loss, metricsInUse(), batchSize, device()).predict(model, data);
    }

    /** The model's outputs for a batch tensor, in batches of the configured size. */
    public Tensor predict(Tensor inputs) {
        return predict(new dev.torch4j.data.TensorDataset(inputs, Tensor.zeros(inputs.size(0))));
    }
}
