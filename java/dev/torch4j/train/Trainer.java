package dev.torch4j.train;

import dev.torch4j.data.Batch;
import dev.torch4j.data.DataLoader;
import dev.torch4j.data.Dataset;
import dev.torch4j.nn.Module;
import dev.torch4j.optim.Adam;
import dev.torch4j.optim.LrScheduler;
import dev.torch4j.optim.Optimizer;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * Trains a model epoch by epoch: per step zero-grad, forward, loss, backward, optimizer step, each in its
 * own {@link Scope}; validation after each epoch; callbacks for checkpoints, early stopping and progress.
 *
 * <pre>{@code
 * History h = Trainer.of(model).loss(Loss.crossEntropy()).optimizer(Adam.lr(1e-3))
 *     .epochs(10).batchSize(64).seed(42).fit(train, valid);
 * }</pre>
 *
 * Classification accuracy is computed from the outputs: argmax for [N, C] with C > 1; for one output per
 * sample, logits above 0 (or probabilities above 0.5 with {@link #probabilities(boolean)}) mean class 1.
 */
public final class Trainer {
    private final Module model;
    private Loss loss = Loss.crossEntropy();
    private Optimizer optimizer;
    private Function<Optimizer, LrScheduler> scheduler;
    private boolean schedulePerBatch;
    private int epochs = 10, batchSize = 64;
    private Device device;
    private Long seed;
    private boolean shuffle = true, skipNonFinite, probabilities;
    private final List<Callback> callbacks = new ArrayList<>();
    private boolean progress = true;
    private long iterations, validateEvery;
    private TrainStep customStep;
    private java.nio.file.Path snapshotDir, resumeDir;

    private Trainer(Module model) {
        this.model = model;
    }

    public static Trainer of(Module model) {
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

    /** A learning-rate schedule stepped after every epoch, e.g. {@code o -> new StepLR(o, 5, 0.1)}. */
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

    public Trainer epochs(int n) {
        if (n < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + n);
        epochs = n;
        return this;
    }

    public Trainer batchSize(int n) {
        if (n < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + n);
        batchSize = n;
        return this;
    }

    /** Where to train; {@link Device#auto()} by default. */
    public Trainer device(Device d) {
        device = d.requireAvailable();
        return this;
    }

    /** Seeds libtorch and the shuffling: two CPU runs with the same seed and threads give the same losses. */
    public Trainer seed(long s) {
        seed = s;
        return this;
    }

    public Trainer shuffle(boolean on) {
        shuffle = on;
        return this;
    }

    /** Skip a batch whose loss is NaN or infinite instead of stopping (the default stops with a message). */
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
        callbacks.addAll(Arrays.asList(cs));
        return this;
    }

    /** Turns the console progress output off (it is on by default). */
    public Trainer quiet() {
        progress = false;
        return this;
    }

    /**
     * Trains for a number of batches instead of epochs (seed 001: 3,000 iterations), validating every
     * {@code validateEvery} of them; each validation period becomes one row of the history.
     */
    public Trainer iterations(long total, long validateEvery) {
        if (total < 1 || validateEvery < 1 || validateEvery > total) {
            throw new IllegalArgumentException("need 1 <= validateEvery <= iterations, got " + validateEvery + " and " + total);
        }
        this.iterations = total;
        this.validateEvery = validateEvery;
        return this;
    }

    /** Replaces the default step (loss of the model's output against the targets) with your own. */
    public Trainer step(TrainStep custom) {
        customStep = custom;
        return this;
    }

    /**
     * After every epoch, saves what a resumed run needs into {@code dir}: the weights, the optimizer state and
     * the history so far ({@code model.safetensors}, {@code optimizer.safetensors}, {@code history.json};
     * each written atomically).
     */
    public Trainer snapshotEvery(java.nio.file.Path dir) {
        snapshotDir = dir;
        return this;
    }

    /**
     * Continues the run saved in {@code dir} by {@link #snapshotEvery}: weights, optimizer state, history,
     * scheduler position and data order are restored, and training goes on up to the configured epochs.
     */
    public Trainer resumeFrom(java.nio.file.Path dir) {
        resumeDir = dir;
        return this;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public Device device() {
        if (device == null) device = Device.auto();
        return device;
    }

    /** Trains for the configured epochs; {@code valid} may be null. */
    public History fit(Dataset train, Dataset valid) {
        if (train.size() == 0) throw new IllegalArgumentException("the training set is empty");
        if (seed != null) Torch.manualSeed(seed);
        model.to(device());
        if (optimizer == null) optimizer = Adam.lr(1e-3);
        if (optimizer.groups().isEmpty()) optimizer.on(model);
        LrScheduler sched = scheduler == null ? null : scheduler.apply(optimizer);
        List<Callback> all = new ArrayList<>(callbacks);
        if (progress) all.add(ProgressPrinter.console());
        DataLoader loader = shuffle ? DataLoader.shuffled(train, batchSize, seed == null ? 0 : seed) : DataLoader.sequential(train, batchSize);
        History history = new History();
        boolean byIterations = iterations > 0;
        int done = 0;
        if (resumeDir != null) {
            if (byIterations) throw new IllegalStateException("resuming is supported for epoch-based training only");
            done = Snapshots.restore(resumeDir, model, optimizer, history);
            for (int i = 0; i < done && sched != null && !schedulePerBatch; i++) sched.step();
            if (done >= epochs) throw new IllegalStateException("the run in " + resumeDir + " already finished " + done + " epochs; ask for more than " + epochs);
        }
        int periods = byIterations ? (int) (iterations / validateEvery) : epochs;
        long periodSteps = byIterations ? validateEvery : loader.batches();
        for (Callback c : all) c.onFitStart(model, periods);
        Batches batches = new Batches(loader, done);
        for (int period = done + 1; period <= periods; period++) {
            long t0 = System.nanoTime();
            double lr = optimizer.lr();
            model.train();
            double lossSum = 0;
            long correct = 0, seen = 0;
            for (long step = 1; step <= periodSteps; step++) {
                try (Scope s = Scope.open()) {
                    Batch b = batches.next();
                    if (b.inputs().size(0) != b.targets().size(0)) {
                        throw new TrainingException("batch " + step + " of epoch " + period + " has " + b.inputs().size(0) + " inputs but "
                                + b.targets().size(0) + " targets");
                    }
                    Batch onDevice = new Batch(b.inputs().to(device), b.targets().to(device));
                    optimizer.zeroGrad();
                    Tensor out = customStep == null ? model.call(onDevice.inputs()) : null;
                    Tensor l = customStep == null ? loss.compute(out, targetFor(out, onDevice.targets())) : customStep.loss(model, onDevice);
                    double lv = l.item();
                    if (!Double.isFinite(lv)) {
                        if (skipNonFinite) continue;
                        throw new TrainingException("loss is " + lv + " at " + (byIterations ? "iteration " + ((period - 1) * periodSteps + step)
                                : "epoch " + period + ", step " + step + " of " + periodSteps) + " (batch of " + b.size()
                                + "); lower the learning rate, check the inputs for NaN, or use skipNonFiniteLoss(true)");
                    }
                    l.backward();
                    optimizer.step();
                    if (sched != null && schedulePerBatch) sched.step();
                    lossSum += lv * b.size();
                    if (out != null) correct += correctIn(out, onDevice.targets());
                    seen += b.size();
                    for (Callback c : all) c.onBatchEnd(period, step, periodSteps, lv, b.size());
                }
            }
            if (sched != null && !schedulePerBatch) sched.step();
            Evaluation v = valid == null ? null : evaluate(valid);
            double trainAcc = seen == 0 || customStep != null ? Double.NaN : correct / (double) seen;
            EpochResult r = new EpochResult(period, seen == 0 ? Double.NaN : lossSum / seen, trainAcc,
                    v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.accuracy(), lr, (System.nanoTime() - t0) / 1e9);
            history.add(r);
            if (snapshotDir != null && !byIterations) Snapshots.save(snapshotDir, model, optimizer, history);
            boolean stop = false;
            for (Callback c : all) stop |= c.onEpochEnd(r, model);
            if (stop) break;
        }
        for (Callback c : all) c.onFitEnd(history, model);
        return history;
    }

    /** Batches across epochs: a new (seeded) order each time the loader is exhausted. */
    private static final class Batches {
        private final DataLoader loader;
        private int epoch;
        private Iterator<Batch> it;

        Batches(DataLoader loader, int firstEpoch) {
            this.loader = loader;
            this.epoch = firstEpoch;
            this.it = loader.epoch(firstEpoch).iterator();
        }

        Batch next() {
            if (!it.hasNext()) it = loader.epoch(++epoch).iterator();
            return it.next();
        }
    }

    /** Mean loss and accuracy over {@code data}, in evaluation mode, without gradients. */
    public Evaluation evaluate(Dataset data) {
        boolean wasTraining = model.isTraining();
        model.eval();
        double lossSum = 0;
        long correct = 0, seen = 0;
        try (Torch.NoGrad g = Torch.noGrad()) {
            Iterator<Batch> it = DataLoader.sequential(data, batchSize).iterator();
            while (it.hasNext()) {
                try (Scope s = Scope.open()) {
                    Batch b = it.next();
                    Tensor x = b.inputs().to(device()), y = b.targets().to(device());
                    Tensor out = model.call(x);
                    lossSum += loss.compute(out, targetFor(out, y)).item() * b.size();
                    correct += correctIn(out, y);
                    seen += b.size();
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return new Evaluation(lossSum / seen, correct / (double) seen, seen);
    }

    /** The model's outputs for every example of {@code data}, in order, on the CPU (eval mode, no gradients). */
    public Tensor predict(Dataset data) {
        List<Tensor> outs = new ArrayList<>();
        boolean wasTraining = model.isTraining();
        model.eval();
        try (Scope s = Scope.open(); Torch.NoGrad g = Torch.noGrad()) {
            Iterator<Batch> it = DataLoader.sequential(data, batchSize).iterator();
            while (it.hasNext()) outs.add(model.call(it.next().inputs().to(device())).to(Device.cpu()));
            return s.keep(Tensor.cat(outs, 0));
        } finally {
            model.train(wasTraining);
        }
    }

    /** The model's outputs for a batch tensor, in batches of the configured size. */
    public Tensor predict(Tensor inputs) {
        return predict(new dev.torch4j.data.TensorDataset(inputs, Tensor.zeros(inputs.size(0))));
    }

    /** Binary heads ([N, 1] or [N]) get float targets of their own shape; class heads keep integer labels. */
    private static Tensor targetFor(Tensor out, Tensor y) {
        boolean binary = out.dim() == 1 || out.dim() == 2 && out.size(1) == 1;
        if (binary && y.dim() == 1 && out.dim() == 2) return y.float32().reshape(out.size(0), 1);
        if (binary) return y.float32();
        return y;
    }

    private long correctIn(Tensor out, Tensor y) {
        if (out.dim() == 2 && out.size(1) > 1) return Metrics.correct(out, y);
        Tensor predicted = probabilities ? out.reshape(-1).gt(0.5) : out.reshape(-1).gt(0);
        return predicted.eq(y.reshape(-1).gt(0.5)).sum().itemLong();
    }
}
