package dev.torch4j.train;

import dev.torch4j.data.TensorDataset;
import dev.torch4j.nn.Dropout;
import dev.torch4j.nn.Flatten;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.io.StateDict;
import dev.torch4j.io.StateDictException;
import dev.torch4j.optim.Adam;
import dev.torch4j.optim.StepLR;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Generator;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Snapshots, exact resumption, independent random streams and the options fit refuses. */
class TrustTest {
    static TensorDataset train, test;
    @TempDir Path dir;

    @BeforeAll static void loadSlice() {
        TensorDataset[] sets = TrainerTest.slice(600, 200);
        train = sets[0];
        test = sets[1];
    }

    /** An MLP with Dropout, its initial weights from its own generator. */
    static Layer mlp(long seed) {
        return Generator.seeded(seed).call(() -> Sequential.of(Flatten.of(), Linear.of(784, 64), ReLU.of(), Dropout.of(0.4), Linear.of(64, 10)));
    }

    static Trainer trainer(Layer m) {
        return Trainer.of(m).optimizer(Adam.of(2e-3)).batchSize(50).seed(4).device(Device.cpu()).quiet(true);
    }

    static String bits(Layer m) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) sb.append(e.getKey()).append(Arrays.toString(e.getValue().toFloatArray()));
        return sb.toString();
    }

    static List<Map<String, Double>> rows(History h) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (EpochResult r : h.epochs()) {
            Map<String, Double> m = new java.util.LinkedHashMap<>(r.metrics());
            m.remove("seconds");
            out.add(m);
        }
        return out;
    }

    /** A crash at a given step: the run stops there with an exception, as a kill would (minus the kill). */
    static Callback crashAt(long globalStep) {
        return new Callback() {
            @Override public void onBatchEnd(StepInfo s) {
                if (s.globalStep() == globalStep) throw new IllegalStateException("crash at step " + globalStep);
            }
        };
    }

    @Test void aRunStoppedMidEpochResumesBitForBitWithDropoutCheckpointAndPerBatchSchedule() {
        Layer straight = mlp(1);
        Checkpoint cpA = Checkpoint.bestBy("val_loss", dir.resolve("a/best.safetensors"));
        History a = trainer(straight).epochs(4).schedulerPerBatch(o -> StepLR.of(o, 7, 0.8)).callbacks(cpA).fit(train, test);

        Path snaps = dir.resolve("snaps");
        Layer first = mlp(1);
        Checkpoint cpB = Checkpoint.bestBy("val_loss", dir.resolve("b/best.safetensors"));
        assertThatThrownBy(() -> trainer(first).epochs(4).schedulerPerBatch(o -> StepLR.of(o, 7, 0.8)).snapshots(snaps, 5)
                .callbacks(cpB, crashAt(34)).fit(train, test)).hasMessage("crash at step 34");
        assertThat(Snapshot.latest(snaps).orElseThrow().globalStep()).isEqualTo(30); // epoch 3, step 6 of 12
        assertThat(Snapshot.latest(snaps).orElseThrow().stepInPeriod()).isEqualTo(6);

        Layer resumed = mlp(99); // other initial weights: the snapshot's replace them
        Checkpoint cpC = Checkpoint.bestBy("val_loss", dir.resolve("b/best.safetensors"));
        History b = trainer(resumed).epochs(4).schedulerPerBatch(o -> StepLR.of(o, 7, 0.8)).snapshots(snaps, 5).resumeFrom(snaps)
                .callbacks(cpC).fit(train, test);
        assertThat(bits(resumed)).isEqualTo(bits(straight));
        assertThat(rows(b)).isEqualTo(rows(a));
        // the checkpoint remembered its best value across the resume
        assertThat(cpC.bestEpoch()).isEqualTo(cpA.bestEpoch());
        assertThat(cpC.best()).isEqualTo(cpA.best());
        assertThat(bits(mlp(0).load(dir.resolve("b/best.safetensors")))).isEqualTo(bits(mlp(0).load(dir.resolve("a/best.safetensors"))));
    }

    @Test void iterationRunsTrainExactlyTheAskedStepsAndResumeInAPeriod() {
        for (long[] c : new long[][] {{30, 25}, {10, 4}}) {
            AtomicLong steps = new AtomicLong();
            History h = trainer(mlp(2)).iterations(c[0], c[1]).callbacks(new Callback() {
                @Override public void onBatchEnd(StepInfo s) {
                    steps.incrementAndGet();
                }
            }).fit(train, test);
            assertThat(steps.get()).as("steps of iterations(%d, %d)", c[0], c[1]).isEqualTo(c[0]);
            assertThat(h.epochs()).hasSize((int) ((c[0] + c[1] - 1) / c[1]));
            assertThat(h.epochs()).allMatch(r -> !Double.isNaN(r.validLoss()));
        }
        Layer straight = mlp(3);
        History a = trainer(straight).iterations(40, 15).fit(train, test);
        Path snaps = dir.resolve("it");
        assertThatThrownBy(() -> trainer(mlp(3)).iterations(40, 15).snapshots(snaps, 4).callbacks(crashAt(19)).fit(train, test));
        Layer resumed = mlp(3);
        History b = trainer(resumed).iterations(40, 15).snapshots(snaps, 4).resumeFrom(snaps).fit(train, test);
        assertThat(bits(resumed)).isEqualTo(bits(straight));
        assertThat(rows(b)).isEqualTo(rows(a));
    }

    @Test void twoTrainersInTwoThreadsEachGiveWhatTheyGiveAlone() throws Exception {
        Callable<String> run = () -> {
            Layer m = mlp(8);
            trainer(m).epochs(2).fit(train, null);
            return bits(m);
        };
        String alone = run.call();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> x = pool.submit(run), y = pool.submit(run);
            assertThat(x.get()).isEqualTo(alone);
            assertThat(y.get()).isEqualTo(alone);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test void aDamagedSnapshotIsRefusedBeforeTheModelChanges() throws Exception {
        Path snaps = dir.resolve("s");
        trainer(mlp(5)).epochs(1).snapshots(snaps).fit(train, null);
        Path file = Snapshot.latest(snaps).orElseThrow().file();
        byte[] good = Files.readAllBytes(file);
        long dataStart = 8 + ByteBuffer.wrap(good, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();

        byte[] flipped = good.clone();
        flipped[(int) dataStart + 100] ^= 0x01; // inside model/1.weight
        Files.write(file, flipped);
        Layer victim = mlp(6);
        String before = bits(victim);
        assertThatThrownBy(() -> trainer(victim).epochs(2).resumeFrom(snaps).fit(train, null)).isInstanceOf(StateDictException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("tensor 'model/1.weight' is damaged");
        assertThat(bits(victim)).isEqualTo(before);

        Files.write(file, Arrays.copyOf(good, good.length - 1000)); // truncated (the optimizer state is at the end)
        assertThatThrownBy(() -> trainer(victim).epochs(2).resumeFrom(snaps).fit(train, null)).isInstanceOf(StateDictException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("outside the");
        assertThat(bits(victim)).isEqualTo(before);

        // a NaN in the weights with a checksum that matches it (written so): refused as non-finite
        Files.write(file, good);
        Snapshot snap = Snapshot.read(file);
        Map<String, Tensor> tensors = new java.util.LinkedHashMap<>(snap.tensors("model").asMap());
        StateDict all = StateDict.load(file);
        Map<String, Tensor> rewritten = new java.util.LinkedHashMap<>(all.asMap());
        rewritten.get("model/4.bias").handle().fill_(new org.bytedeco.pytorch.Scalar(Double.NaN));
        dev.torch4j.io.SafeTensors.write(rewritten, all.metadata(), file);
        assertThat(tensors).isNotEmpty();
        assertThatThrownBy(() -> trainer(victim).epochs(2).resumeFrom(snaps).fit(train, null)).isInstanceOf(StateDictException.class)
                .hasMessageContaining("tensor '4.bias' holds 10 NaN");
        assertThat(bits(victim)).isEqualTo(before);
    }

    @Test void optionCombinationsThatCannotWorkAreRefusedWhenFitStarts() {
        assertThatThrownBy(() -> trainer(mlp(1)).epochs(3).iterations(10, 5).fit(train, null))
                .hasMessage("both epochs(3) and iterations(10, 5) are set; choose one");
        assertThatThrownBy(() -> trainer(mlp(1)).epochs(1).callbacks(Checkpoint.bestBy("val_loss", dir.resolve("b.safetensors"))).fit(train, null))
                .hasMessageStartingWith("Checkpoint monitors val_loss, which this run does not measure (fit was given no validation set)");
        assertThatThrownBy(() -> trainer(mlp(1)).epochs(1).callbacks(EarlyStopping.of(2, "val_f1")).fit(train, test))
                .hasMessageContaining("EarlyStopping monitors val_f1").hasMessageContaining("it measures: train_loss, train_acc, val_loss, val_acc, lr, seconds");
        assertThatThrownBy(() -> trainer(mlp(1)).metrics(Metric.topK(3), Metric.topK(3))).hasMessage("two metrics are named 'top3'");
        assertThatThrownBy(() -> trainer(mlp(1)).epochs(1).probabilities(true).metrics(Metric.topK(3)).fit(train, null))
                .hasMessageStartingWith("probabilities(true) changes the built-in accuracy, which metrics(...) replaced");
        assertThatThrownBy(() -> trainer(mlp(1)).resumeFrom(dir.resolve("none")).fit(train, null))
                .hasMessage("no training snapshot in " + dir.resolve("none") + " (no such directory)");
        Path snaps = dir.resolve("o");
        trainer(mlp(1)).epochs(1).snapshots(snaps).fit(train, null);
        assertThatThrownBy(() -> trainer(mlp(1)).batchSize(25).epochs(2).resumeFrom(snaps).fit(train, null))
                .hasMessageContaining("it was started with batch_size = 50, this trainer has 25");
        assertThatThrownBy(() -> trainer(mlp(1)).epochs(1).resumeFrom(snaps).fit(train, null))
                .hasMessageContaining("already finished 1 epochs; ask for more than 1");
    }

    @Test void evaluationGivesEveryModuleItsOwnModeBack() {
        Dropout drop = Dropout.of(0.5);
        Layer m = Sequential.of(Flatten.of(), Linear.of(784, 10), drop);
        drop.eval(); // the user's choice: this Dropout is off even in training
        trainer(m).evaluate(test);
        assertThat(m.isTraining()).isTrue();
        assertThat(drop.isTraining()).isFalse();
    }

    @Test void aUserMetricAppearsWhereTheBuiltInOnesDo() {
        History h = trainer(mlp(1)).epochs(2).metrics(Metric.accuracy(), Metric.topK(3)).fit(train, test);
        assertThat(h.columns()).containsExactly("train_loss", "train_acc", "train_top3", "val_loss", "val_acc", "val_top3", "lr", "seconds");
        assertThat(h.last().get("val_top3")).isGreaterThan(h.last().validAccuracy()).isLessThanOrEqualTo(1.0);
        assertThat(h.toCsv()).startsWith("epoch,train_loss,train_acc,train_top3,val_loss,val_acc,val_top3,lr,seconds\n");
        assertThat(ProgressPrinter.line(h.last(), 2)).contains("val loss ", " top3 0.");
        // top-3 by hand from the predictions
        Tensor logits = trainer(mlp(1)).predict(test);
        long[] labels = test.targets().toLongArray();
        float[] l = logits.toFloatArray();
        int hits = 0;
        for (int i = 0; i < labels.length; i++) {
            int larger = 0;
            for (int c = 0; c < 10; c++) if (l[i * 10 + c] > l[i * 10 + (int) labels[i]]) larger++;
            if (larger < 3) hits++;
        }
        Evaluation e = Trainer.of(mlp(1)).metrics(Metric.topK(3)).device(Device.cpu()).quiet(true).evaluate(test);
        assertThat(e.get("top3")).isEqualTo(hits / (double) labels.length);
    }
}
