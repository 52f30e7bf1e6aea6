package dev.torch4j.data;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;

import java.util.Arrays;

/**
 * Images kept as their 8-bit pixels (uint8 [N, H, W] or [N, C, H, W]) with int64 labels, turned into float32
 * [n, C, H, W] batches only when a batch is asked for: {@code v / 255}, then the {@link Normalization} if one is
 * given, in one native pass over the batch. A quarter of the memory of the same images held as floats, with the
 * same values to the bit (the per-pixel arithmetic of {@code ToTensor} and {@code Normalize}, in the same order).
 */
public final class ByteImageDataset implements Dataset {
    private final Tensor pixels, targets;
    private final Normalization norm;
    private final long channels, height, width;

    /** {@code norm} may be null: values in [0, 1]. */
    public ByteImageDataset(Tensor pixels, Tensor targets, Normalization norm) {
        if (pixels.dtype() != DType.UINT8 || (pixels.dim() != 3 && pixels.dim() != 4)) {
            throw new IllegalArgumentException("ByteImageDataset needs uint8 pixels [N, H, W] or [N, C, H, W], got " + pixels.dtype() + " "
                    + Arrays.toString(pixels.shape()));
        }
        if (targets.dim() == 0 || targets.size(0) != pixels.size(0)) {
            throw new IllegalArgumentException("pixels " + Arrays.toString(pixels.shape()) + " and targets " + Arrays.toString(targets.shape())
                    + " must have the same first dimension");
        }
        this.channels = pixels.dim() == 4 ? pixels.size(1) : 1;
        if (norm != null && norm.mean().length != channels) {
            throw new IllegalArgumentException("normalisation for " + norm.mean().length + " channels cannot apply to images of " + channels);
        }
        this.pixels = pixels.contiguous();
        this.targets = targets;
        this.pixels.handle().retainReference(); // the dataset owns its tensors beyond any scope
        this.targets.handle().retainReference();
        this.norm = norm;
        this.height = pixels.size(pixels.dim() - 2);
        this.width = pixels.size(pixels.dim() - 1);
    }

    @Override public long size() {
        return pixels.size(0);
    }

    @Override public Batch get(long[] indices) {
        long n = size();
        for (long i : indices) if (i < 0 || i >= n) throw new IndexOutOfBoundsException("index " + i + " out of range for a dataset of " + n);
        Tensor idx = Tensor.of(indices);
        Tensor gathered = gatherOnCpu(indices);
        if (gathered != null) return new Batch(gathered, Tensor.call(() -> targets.handle().index_select(0, idx.handle())));
        Tensor picked = Tensor.call(() -> pixels.handle().index_select(0, idx.handle())); // contiguous rows
        // the same float operations, in the same order, as converting the whole set first (MnistData's float tensors,
        // then Normalization.apply): elementwise, so batching does not change a bit
        return new Batch(convert(picked, indices.length), Tensor.call(() -> targets.handle().index_select(0, idx.handle())));
    }

    /** {@code n} images of pixels to float32 [n, C, H, W]: {@code v / 255}, then the normalisation. */
    /**
     * The picked images converted in one native pass (gather, float, divide, normalise), or null where the shim cannot
     * (then libtorch's operations, with the same bits). On s0-cnn's batches of 512: libtorch's five operations took
     * ~1 ms a batch, ~10 % of the epoch (docs/benchmarks.md, "The loader's batches in one pass").
     */
    private Tensor gatherOnCpu(long[] indices) {
        if (!NATIVE_BATCHES || !pixels.handle().is_cpu() || indices.length == 0) return null;
        long plane = height * width;
        Tensor out = Tensor.empty(DType.FLOAT32, indices.length, channels, height, width);
        boolean done = dev.torch4j.shim.Shim.u8RowsToF32(pixels.handle().data_ptr(), size(), indices, channels, plane,
                norm == null ? null : norm.mean(), norm == null ? null : norm.std(), out.handle().data_ptr(),
                org.bytedeco.pytorch.global.torch.get_num_threads());
        if (!done) {
            out.close();
            return null;
        }
        return out;
    }

    /** {@code -Dtorch4j.nativeImageBatches=false}: batches converted by libtorch's operations (an A/B switch; same bits). */
    private static final boolean NATIVE_BATCHES = !"false".equalsIgnoreCase(System.getProperty("torch4j.nativeImageBatches"));

    private Tensor convert(Tensor px, long n) {
        Tensor out = px.float32().div(255).reshape(n, channels, height, width);
        return norm == null ? out : norm.apply(out);
    }

    /** The stored pixels (uint8). */
    public Tensor pixels() {
        return pixels;
    }

    public Tensor targets() {
        return targets;
    }

    /** The normalisation applied to each batch, or null. */
    public Normalization normalization() {
        return norm;
    }

    /** Every image as float32 [N, C, H, W], converted and normalised as the batches are (for code that needs one tensor). */
    public Tensor inputs() {
        return convert(pixels, size());
    }

    @Override public String toString() {
        return "ByteImageDataset(" + size() + " images of " + channels + "x" + height + "x" + width + (norm == null ? "" : ", " + norm) + ")";
    }
}
