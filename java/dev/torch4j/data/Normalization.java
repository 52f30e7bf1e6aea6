package dev.torch4j.data;

import dev.torch4j.tensor.Tensor;

import java.util.Arrays;

/** (x - mean) / std per channel, with fixed constants or statistics computed from a training set. */
public final class Normalization {
    /** MNIST's usual statistics (mean 0.1307, std 0.3081). */
    public static final Normalization MNIST = new Normalization(new float[] {0.1307f}, new float[] {0.3081f});
    /** ImageNet's per-channel statistics (RGB), for torchvision's pretrained models. */
    public static final Normalization IMAGENET = new Normalization(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    private final float[] mean, std;

    public Normalization(float[] mean, float[] std) {
        if (mean.length != std.length || mean.length == 0) throw new IllegalArgumentException("need as many means as stds, got " + mean.length + " and " + std.length);
        for (float s : std) if (s == 0) throw new IllegalArgumentException("std must be non-zero, got " + Arrays.toString(std));
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /**
     * Per-channel mean and std over every pixel of {@code images} [N, C, H, W] (seeds 002 and 003 compute
     * them over the training set); std is the sample standard deviation, as torch.std.
     */
    public static Normalization fromData(Tensor images) {
        if (images.dim() != 4) throw new IllegalArgumentException("expected images [N, C, H, W], got " + Arrays.toString(images.shape()));
        try (dev.torch4j.tensor.Scope scope = dev.torch4j.tensor.Scope.open()) { // the channel-major copy is freed at once
            Tensor perChannel = images.transpose(0, 1).flatten(1);
            return new Normalization(perChannel.mean(1, false).toFloatArray(), Tensor.wrap(perChannel.handle().std(new long[] {1}, true, false)).toFloatArray());
        }
    }

    /**
     * {@link #fromData} of the images {@code v / 255} of a {@link ByteImageDataset}, with the same values (the float
     * copy it needs lives only while it is computed).
     */
    public static Normalization fromData(ByteImageDataset images) {
        try (dev.torch4j.tensor.Scope scope = dev.torch4j.tensor.Scope.open()) {
            Tensor px = images.pixels();
            long c = px.dim() == 4 ? px.size(1) : 1;
            // divided in place: one float copy of the images at a time (the bits of float32().div(255))
            return fromData(px.float32().div_(255).reshape(px.size(0), c, px.size(px.dim() - 2), px.size(px.dim() - 1)));
        }
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    /** Normalises images [N, C, H, W] (or [C, H, W]). */
    public Tensor apply(Tensor images) {
        int c = images.dim() == 4 ? 1 : 0;
        if (images.dim() < 3 || images.size(c) != mean.length) {
            throw new IllegalArgumentException("normalisation for " + mean.length + " channels cannot apply to images " + Arrays.toString(images.shape()));
        }
        long[] shape = images.dim() == 4 ? new long[] {1, mean.length, 1, 1} : new long[] {mean.length, 1, 1};
        // in a scope of its own: the intermediate (as large as the images) is freed now, not when the GC runs
        return dev.torch4j.tensor.Scope.run(() -> images.sub(Tensor.of(mean, shape).to(images.device())).div(Tensor.of(std, shape).to(images.device())));
    }

    /** The dataset with its inputs normalised. */
    public Dataset apply(Dataset data) {
        return data.map(b -> new Batch(apply(b.inputs()), b.targets()));
    }

    @Override public String toString() {
        return "Normalization(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
