package dev.torch4j.vision;

import dev.torch4j.data.Batch;
import dev.torch4j.data.DataLoader;
import dev.torch4j.data.Dataset;
import dev.torch4j.data.TensorDataset;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * A pretrained backbone used as a fixed feature extractor: frozen, always run in evaluation mode and without
 * gradients (whatever mode its parent is in), so it costs one forward pass and no activation memory for
 * backward. {@link #cache} computes the features of a whole dataset once — seed 002's "fast feature
 * extraction" — so that a small head trains on them in seconds instead of re-running the backbone every epoch.
 */
public final class FeatureExtractor extends Layer {
    private final Layer backbone;

    public FeatureExtractor(Layer backbone) {
        this.backbone = register("backbone", backbone);
        backbone.freeze();
        backbone.eval();
    }

    public Layer backbone() {
        return backbone;
    }

    /** Training mode reaches this module, never its backbone: that stays in evaluation mode (dropout off, statistics fixed). */
    @Override public Layer train(boolean on) {
        super.train(on);
        backbone.eval();
        return this;
    }

    /** The backbone's output, flattened to [N, features], computed without gradients. */
    @Override public Tensor forward(Tensor x) {
        try (Torch.NoGrad g = Torch.noGrad()) {
            return backbone.call(x).flatten(1);
        }
    }

    /**
     * The features of every example of {@code data}, in order, with its targets: a dataset held in memory that
     * a head trains on directly. {@code progress} receives the number of examples done after each batch.
     */
    public TensorDataset cache(Dataset data, int batchSize, LongConsumer progress) {
        List<Tensor> features = new ArrayList<>(), targets = new ArrayList<>();
        Device device = backbone.device();
        long done = 0;
        try (Scope outer = Scope.open()) {
            for (Batch b : DataLoader.sequential(data, batchSize)) {
                try (Scope s = Scope.open()) {
                    Tensor f = forward(b.inputs().to(device)).to(Device.cpu());
                    features.add(s.keep(f));
                    targets.add(s.keep(b.targets().clone()));
                }
                done += b.size();
                if (progress != null) progress.accept(done);
            }
            Tensor x = Tensor.cat(features, 0), y = Tensor.cat(targets, 0);
            return new TensorDataset(outer.keep(x), outer.keep(y));
        }
    }
}
