package dev.torch4j.examples;

import dev.torch4j.data.*;
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Transfer learning without ImageNet: a small CNN learns Fashion-MNIST's classes 0-4 (tops, trousers, dresses,
 * coats), is saved, and then serves classes 5-9 (sandals, shirts, sneakers, bags, boots) learnt from BUDGET
 * labelled images per class, three ways: (a) from scratch, (b) frozen backbone + new head, (c) the last block
 * fine-tuned with its own lower learning rate + new head. The CLI runs the same study over several budgets:
 * {@code train --recipe fmnist-transfer}; docs/results.md has its figures.
 * Run: {@code java -cp target/torch4j.jar dev.torch4j.examples.TransferFashionMnist [BUDGET] [PRETRAIN_EPOCHS]}
 * (the full Fashion-MNIST when installed, else the sample inside the jar).
 */
public final class TransferFashionMnist {
    public static void main(String[] args) {
        int budget = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int pretrainEpochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        MnistData data = FashionMnist.installedOrSample();
        Normalization norm = Normalization.fromData(data.train().inputs());
        TensorDataset train = new TensorDataset(norm.apply(data.train().inputs()), data.train().targets());
        TensorDataset test = new TensorDataset(norm.apply(data.test().inputs()), data.test().targets());

        // 1. Pretrain on classes 0-4 and keep the backbone's weights.
        Torch.manualSeed(42);
        Sequential backbone = backbone();
        fit(Sequential.of(backbone, Linear.of(128, 5)), Adam.of(1e-3), classes(train, 0, 0), pretrainEpochs, 64);
        Path saved = Path.of("fmnist-backbone.safetensors");
        backbone.save(saved);

        // 2. Classes 5-9 from a few labelled images each.
        TensorDataset few = classes(train, 5, budget), target = classes(test, 5, 0);
        Sequential scratch = Sequential.of(backbone(), Linear.of(128, 5));
        Sequential frozen = Sequential.of(backbone().load(saved).freeze(), Linear.of(128, 5));
        Sequential base = (Sequential) backbone().load(saved).freeze().unfreeze("2"), partial = Sequential.of(base, Linear.of(128, 5));
        Optimizer groups = Adam.of(1e-3).on(ParamGroup.of(base.get(2), 1e-4), ParamGroup.of(partial.get(1), 1e-3));
        System.out.printf("classes 5-9 from %d images per class, accuracy on %d test images:%n", budget, target.size());
        System.out.printf("  (a) from scratch:                     %.4f%n", fit(scratch, Adam.of(1e-3), few, 30, 16).evaluate(target).accuracy());
        System.out.printf("  (b) frozen backbone + new head:       %.4f%n", fit(frozen, Adam.of(1e-3), few, 30, 16).evaluate(target).accuracy());
        System.out.printf("  (c) last block fine-tuned + new head: %.4f%n", fit(partial, groups, few, 30, 16).evaluate(target).accuracy());
    }

    /** Three conv-BN-ReLU-pool blocks (32, 64, 128 filters) and global average pooling: 128 features. */
    static Sequential backbone() {
        return Sequential.of(block(1, 32), block(32, 64), block(64, 128), AdaptiveAvgPool2d.of(1), Flatten.of());
    }

    static Sequential block(long in, long out) {
        return Sequential.of(Conv2d.of(in, out, 3).padding(1), BatchNorm2d.of(out), ReLU.of(), MaxPool2d.of(2));
    }

    static Trainer fit(Layer model, Optimizer optimizer, TensorDataset data, int epochs, int batch) {
        Trainer t = Trainer.of(model).optimizer(optimizer).epochs(epochs).batchSize(batch).seed(42).quiet(true);
        t.fit(data, null);
        return t;
    }

    /** Classes from..from+4 relabelled 0-4, at most perClass random images of each (0: all). */
    static TensorDataset classes(TensorDataset data, int from, int perClass) {
        long[] labels = data.targets().toLongArray();
        List<Long> order = new ArrayList<>();
        for (long i = 0; i < labels.length; i++) order.add(i);
        Collections.shuffle(order, new Random(42));
        int[] taken = new int[5];
        List<Long> picked = new ArrayList<>();
        for (long i : order) {
            int c = (int) labels[(int) i] - from;
            if (c >= 0 && c < 5 && (perClass == 0 || taken[c] < perClass)) {
                taken[c]++;
                picked.add(i);
            }
        }
        Batch b = data.get(picked.stream().mapToLong(Long::longValue).toArray());
        return new TensorDataset(b.inputs(), b.targets().sub(from).to(DType.INT64));
    }
}
