package dev.torch4j.train;

import dev.torch4j.data.TensorDataset;
import dev.torch4j.nn.Fixtures;
import dev.torch4j.nn.Flatten;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.Layer;
import dev.torch4j.io.StateDict;
import dev.torch4j.nn.Sequential;
import dev.torch4j.optim.Adam;
import dev.torch4j.optim.Sgd;
import dev.torch4j.optim.StepLR;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import dev.torch4j.recipes.LeNet;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** End to end on a real slice of Fashion-MNIST (2,000 training and 500 test images). */
class TrainerTest {
    static TensorDataset train, test;
    @TempDir Path dir;

    @BeforeAll static void loadSlice() {
        TensorDataset[] sets = slice(2000, 500);
        train = sets[0];
        test = sets[1];
    }

    /** The first {@code trainCount} training and {@code testCount} test images of the fixture slice, normalised. */
    static TensorDataset[] slice(int trainCount, int testCount) {
        StateDict fx = Fixtures.load("fmnist-slice.safetensors");
        try (Scope s = Scope.open()) {
            return new TensorDataset[] {
                new TensorDataset(s.keep(images(fx.get("train_images").narrow(0, 0, trainCount))), s.keep(fx.get("train_labels").narrow(0, 0, trainCount))),
                new TensorDataset(s.keep(images(fx.get("test_images").narrow(0, 0, testCount))), s.keep(fx.get("test_labels").narrow(0, 0, testCount)))};
        }
    }

    /** uint8 [N, 28, 28] to float [N, 1, 28, 28] normalised with Fashion-MNIST's mean and std. */
    static Tensor images(Tensor u8) {
        return u8.float32().div(255).sub(0.2860).div(0.3530).unsqueeze(1);
    }

    private static Trainer lenet(long seed, int epochs) {
        Torch.manualSeed(seed); // the model's initial weights come from the seed too
        return Trainer.of(new LeNet()).loss(Loss.crossEntropy()).optimizer(Adam.of(1e-3)).epochs(epochs).batchSize(64)
                .seed(seed).device(Device.cpu()).quiet(true);
    }

    @Test void lenetLearnsFashionMnist() {
        Trainer t = lenet(42, 5);
        History h = t.fit(train, test);
        assertThat(h.epochs()).hasSize(5);
        assertThat(h.series("train_loss")[4]).isLessThan(h.series("train_loss")[0]);
        // measured: 0.77 after 5 epochs on this slice (PyTorch's LeNet reaches ~0.89 on all 60,000 images)
        assertThat(h.last().validAccuracy()).isGreaterThan(0.70);
        Evaluation e = t.evaluate(test);
        assertThat(e.accuracy()).isCloseTo(h.last().validAccuracy(), within(1e-9));
        assertThat(e.samples()).isEqualTo(500);
        Tensor predictions = t.predict(test);
        assertThat(predictions.shape()).containsExactly(500, 10);
        assertThat(Metrics.accuracy(predictions, test.targets())).isCloseTo(e.accuracy(), within(1e-9));
    }

    @Test void sameSeedSameLossesBitForBit() {
        double[] a = lenet(7, 2).fit(train, null).series("train_loss");
        double[] b = lenet(7, 2).fit(train, null).series("train_loss");
        assertThat(b).containsExactly(a);
        assertThat(lenet(8, 2).fit(train, null).series("train_loss")).isNotEqualTo(a);
    }

    @Test void checkpointKeepsTheBestEpoch() {
        Path best = dir.resolve("best.safetensors");
        Checkpoint cp = Checkpoint.bestBy("val_loss", best);
        Layer model = new LeNet();
        Trainer t = Trainer.of(model).optimizer(Adam.of(3e-3)).epochs(6).seed(3).device(Device.cpu()).quiet(true).callbacks(cp);
        History h = t.fit(train, test);
        double[] val = h.series("val_loss");
        int argmin = 0;
        for (int i = 1; i < val.length; i++) if (val[i] < val[argmin]) argmin = i;
        assertThat(cp.bestEpoch()).isEqualTo(argmin + 1);
        Layer reloaded = new LeNet().load(best);
        Evaluation e = Trainer.of(reloaded).device(Device.cpu()).quiet(true).evaluate(test);
        assertThat(e.loss()).isCloseTo(val[argmin], within(1e-5));
    }

    @Test void earlyStoppingAndSchedulers() {
        History h = Trainer.of(new LeNet()).optimizer(Sgd.of(0.05)).scheduler(o -> StepLR.of(o, 1, 0.5)).epochs(4).seed(1)
                .device(Device.cpu()).quiet(true).fit(train, null);
        assertThat(h.series("lr")).containsExactly(0.05, 0.025, 0.0125, 0.00625);
        // a learning rate of zero never improves the validation loss: stop after patience epochs
        History stopped = Trainer.of(new LeNet()).optimizer(Sgd.of(0)).epochs(10).seed(1).device(Device.cpu()).quiet(true)
                .callbacks(EarlyStopping.of(2)).fit(train, test);
        assertThat(stopped.epochs()).hasSize(3);
    }

    @Test void nonFiniteLossStopsWithEpochAndStep() {
        Tensor x = Tensor.randn(10, 1, 28, 28);
        x.handle().index_fill_(0, Tensor.of(new long[] {3}).handle(), new org.bytedeco.pytorch.Scalar(Double.NaN));
        TensorDataset bad = new TensorDataset(x, Tensor.zeros(dev.torch4j.tensor.DType.INT64, 10));
        Trainer t = Trainer.of(new LeNet()).epochs(1).batchSize(4).shuffle(false).device(Device.cpu()).quiet(true);
        assertThatThrownBy(() -> t.fit(bad, null)).isInstanceOf(TrainingException.class)
                .hasMessageContaining("loss is NaN at epoch 1, step 1 of 3");
        History h = Trainer.of(new LeNet()).epochs(1).batchSize(4).shuffle(false).device(Device.cpu()).quiet(true).skipNonFiniteLoss(true).fit(bad, null);
        assertThat(h.last().trainLoss()).isFinite();
    }

    @Test void iterationBasedTrainingValidatesEveryPeriod() {
        // seed 001's loop, scaled down: 60 iterations of batch 100, test accuracy every 20
        Torch.manualSeed(0);
        History h = Trainer.of(dev.torch4j.recipes.MnistCnn.modelA()).optimizer(Sgd.of(0.01)).batchSize(100).iterations(60, 20)
                .seed(0).device(Device.cpu()).quiet(true).fit(train, test);
        assertThat(h.epochs()).hasSize(3);
        assertThat(h.epochs()).allMatch(e -> e.validAccuracy() > 0 && e.seconds() > 0);
    }

    @Test void customStepReplacesTheLoss() {
        List<Long> sizes = new ArrayList<>();
        Torch.manualSeed(0);
        History h = Trainer.of(new LeNet()).batchSize(500).epochs(1).device(Device.cpu()).quiet(true).step((m, b) -> {
            sizes.add(b.size());
            return StepOutput.of(Loss.crossEntropy().labelSmoothing(0.1).compute(m.call(b.inputs()), b.targets()));
        }).fit(train, null);
        assertThat(sizes).containsExactly(500L, 500L, 500L, 500L);
        assertThat(h.last().trainAccuracy()).isNaN();
        assertThat(h.last().trainLoss()).isLessThan(2.4);
    }

    @Test void aResumedRunContinuesExactlyWhereItStopped() {
        double[] straight = lenet(11, 4).fit(train, test).series("train_loss");
        Path snap = dir.resolve("run");
        lenet(11, 2).snapshots(snap).fit(train, test);
        Trainer resumed = Trainer.of(new LeNet()).optimizer(Adam.of(1e-3)).epochs(4).batchSize(64).seed(11).device(Device.cpu())
                .quiet(true).snapshots(snap).resumeFrom(snap);
        History h = resumed.fit(train, test);
        assertThat(h.epochs()).hasSize(4);
        assertThat(h.series("train_loss")).containsExactly(straight);
        assertThatThrownBy(() -> lenet(1, 2).resumeFrom(dir.resolve("nothing")).fit(train, null)).hasMessageContaining("no training snapshot");
    }

    @Test void labelsOutOfRangeAreExplained() {
        TensorDataset bad = new TensorDataset(Tensor.zeros(4, 1, 28, 28), Tensor.of(new long[] {0, 1, 12, 3}));
        assertThatThrownBy(() -> Trainer.of(new LeNet()).epochs(1).device(Device.cpu()).quiet(true).fit(bad, null))
                .hasMessageContaining("target labels must be in [0, 9] for 10 classes, got labels from 0 to 12");
    }

    @Test void nativeMemoryStaysFlatOverTwentyEpochs() {
        Layer small = Sequential.of(Flatten.of(), Linear.of(784, 32), dev.torch4j.nn.ReLU.of(), Linear.of(32, 10));
        List<Long> counts = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        Callback probe = new Callback() {
            @Override public boolean onEpochEnd(EpochResult r, Layer m) {
                counts.add(Pointer.totalCount());
                rss.add(Pointer.physicalBytes());
                return false;
            }
        };
        Trainer.of(small).epochs(20).batchSize(100).seed(0).device(Device.cpu()).quiet(true).callbacks(probe).fit(train, test);
        assertThat(counts).hasSize(20);
        // after the first epoch (optimizer state created) the count of live native objects never grows
        // (it may fall, as the GC collects garbage left by earlier tests)
        assertThat(counts.subList(1, 20)).allMatch(c -> c <= counts.get(1));
        assertThat(rss.get(19) - rss.get(1)).isLessThan(32L << 20);
    }

    @Test void historyWritesCsvJsonAndCurves() throws Exception {
        History h = lenet(5, 3).fit(train, test);
        h.writeCsv(dir.resolve("history.csv"));
        h.writeJson(dir.resolve("history.json"));
        h.plot(dir.resolve("curves.png"));
        List<String> csv = Files.readAllLines(dir.resolve("history.csv"));
        assertThat(csv).hasSize(4);
        assertThat(csv.get(0)).isEqualTo("epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds");
        assertThat(csv.get(3)).startsWith("3,");
        assertThat(Files.readString(dir.resolve("history.json"))).contains("\"val_acc\"");
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(dir.resolve("curves.png").toFile());
        assertThat(png.getWidth()).isGreaterThan(png.getHeight());
    }

    @Test void historyWriterAndLrLoggerFollowEachEpoch() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path csv = dir.resolve("log/history.csv");
        Torch.manualSeed(2);
        Trainer.of(new LeNet()).optimizer(Sgd.of(0.1)).scheduler(o -> StepLR.of(o, 2, 0.1)).epochs(3).seed(2).device(Device.cpu()).quiet(true)
                .callbacks(HistoryWriter.csv(csv), new LrLogger(new PrintStream(bytes, true, StandardCharsets.UTF_8))).fit(train, null);
        assertThat(Files.readAllLines(csv)).hasSize(4);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("epoch 1: learning rate 0.100000\nepoch 3: learning rate 0.0100000\n");
    }

    @Test void progressPrintsOneLinePerEpochWhenNotOnATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        lenet(5, 2).callbacks(new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), false)).fit(train, test);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).matches("epoch 2/2  train loss \\d\\.\\d{4} acc \\d\\.\\d{4}  val loss \\d\\.\\d{4} acc \\d\\.\\d{4}  lr 0\\.00100  \\d+\\.\\ds");
    }
}
