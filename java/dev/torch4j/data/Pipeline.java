package dev.torch4j.data;

import dev.torch4j.shim.NativeShim;
import dev.torch4j.tensor.MemoryFormat;
import dev.torch4j.shim.Shim;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Image transforms composed into one native pass per image: decode (JPEG/PNG), the steps in order, and
 * the result written straight into the batch tensor, images spread over threads. Every sample draws
 * its random parameters from its own seed, so a batch is the same whatever the thread count.
 * Make one with {@link Transforms#compose}. Steps written in Java ({@link Transform.Lambda}) split the
 * pipeline into stages: the native steps before, between and after them still run natively, one image at a
 * time on the same threads.
 */
public final class Pipeline {
    private static final int MESSAGE_BYTES = 512;
    private final List<Transform> steps;
    /** The native program of the whole pipeline; null when it holds Java steps. */
    private final double[] program;
    /** With Java steps: native sub-pipelines and Java steps, in order (the first is native); else null. */
    private final List<Object> stages;
    /** How the batches it makes lie in memory. */
    private final MemoryFormat format;

    Pipeline(List<Transform> steps) {
        this(steps, MemoryFormat.CONTIGUOUS);
    }

    private Pipeline(List<Transform> steps, MemoryFormat format) {
        this.format = format;
        if (steps.isEmpty()) throw new IllegalArgumentException("a pipeline needs at least one step (ToTensor)");
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) == null) throw new IllegalArgumentException("pipeline step " + i + " is null");
        }
        this.steps = List.copyOf(steps);
        if (this.steps.stream().noneMatch(t -> t instanceof Transform.Lambda)) {
            this.program = this.steps.stream().map(Transform::encode).flatMapToDouble(Arrays::stream).toArray();
            this.stages = null;
        } else {
            this.program = null;
            this.stages = stages(this.steps);
        }
    }

    /**
     * Splits at the Java steps. The first native stage ends with ToTensor (the Java step sees floats in [0, 1]);
     * a native stage after a Java step gets floats and needs none.
     */
    private static List<Object> stages(List<Transform> steps) {
        List<Object> out = new ArrayList<>();
        List<Transform> run = new ArrayList<>();
        for (Transform t : steps) {
            if (!(t instanceof Transform.Lambda lambda)) {
                run.add(t);
                continue;
            }
            if (out.isEmpty()) {
                if (run.stream().noneMatch(x -> x instanceof Transform.ToTensor)) run.add(new Transform.ToTensor());
                out.add(new Pipeline(run));
            } else if (!run.isEmpty()) {
                out.add(new Pipeline(run));
            }
            run = new ArrayList<>();
            out.add(lambda);
        }
        if (!run.isEmpty()) out.add(new Pipeline(run));
        return out;
    }

    /**
     * This pipeline writing its batches in {@code format}; CHANNELS_LAST puts each pixel's channels together, which a
     * channels-last model reads without reordering its input (shapes stay [N, C, H, W], the values the same).
     */
    public Pipeline memoryFormat(MemoryFormat format) {
        return new Pipeline(steps, dev.torch4j.config.Check.present("Pipeline", "memoryFormat", format));
    }

    /** How the batches it makes lie in memory (CONTIGUOUS unless {@link #memoryFormat(MemoryFormat)} said otherwise). */
    public MemoryFormat memoryFormat() {
        return format;
    }

    private int layout() {
        return format == MemoryFormat.CHANNELS_LAST ? NativeShim.LAYOUT_NHWC : NativeShim.LAYOUT_NCHW;
    }

    public List<Transform> steps() {
        return steps;
    }

    /** This pipeline followed by more steps. */
    public Pipeline then(Transform... more) {
        List<Transform> all = new ArrayList<>(steps);
        all.addAll(List.of(more));
        return new Pipeline(all, format);
    }

    /**
     * The shape [c, h, w] this pipeline makes from an image of {@code c x h x w} (8-bit when
     * {@code eightBit}, else floats in [0, 1]). Throws when the steps do not fit together, saying why.
     */
    public long[] outputShape(long c, long h, long w, boolean eightBit) {
        Shim.require("The image pipeline");
        if (stages != null) { // Java steps say their sizes only by running: once, on a blank image of that size
            if (c <= 0 || h <= 0 || w <= 0) throw new IllegalArgumentException("input sizes must be positive in " + this);
            try (dev.torch4j.tensor.Scope s = dev.torch4j.tensor.Scope.open()) {
                long[] out = apply(Tensor.zeros(eightBit ? DType.UINT8 : DType.FLOAT32, 1, c, h, w), new long[] {0}, 1).shape();
                return new long[] {out[1], out[2], out[3]};
            }
        }
        try (DoublePointer prog = new DoublePointer(program); LongPointer out = new LongPointer(3);
             BytePointer err = messageSlots(1)) {
            int rc = NativeShim.t4j_pipeline_output_shape(prog, program.length, h, w, c, eightBit ? 1 : 0, out, err, MESSAGE_BYTES);
            if (rc != NativeShim.OK) throw new IllegalArgumentException(message(err, 0) + " in " + this);
            return new long[] {out.get(0), out.get(1), out.get(2)};
        }
    }

    /** The output shape when it does not depend on the input size (a final fixed-size step), else null. */
    long[] fixedShape(long c, boolean eightBit) {
        long[] a = outputShape(c, 97, 131, eightBit), b = outputShape(c, 211, 173, eightBit);
        return Arrays.equals(a, b) ? a : null;
    }

    /**
     * The random parameters the native pipeline draws for one random {@code step} on an h x w image with
     * {@code seed} (see the shim's t4j_pipeline_draw for their order): the sampling checked against torchvision's.
     */
    static double[] draws(Transform step, long h, long w, long seed) {
        Shim.require("The image pipeline");
        double[] prog = step.encode();
        try (DoublePointer p = new DoublePointer(prog); DoublePointer out = new DoublePointer(8); LongPointer count = new LongPointer(1);
             BytePointer err = messageSlots(1)) {
            if (NativeShim.t4j_pipeline_draw(p, prog.length, h, w, seed, out, count, err, MESSAGE_BYTES) != NativeShim.OK) {
                throw new IllegalArgumentException(message(err, 0) + " in " + step);
            }
            double[] d = new double[Math.toIntExact(count.get(0))];
            out.get(d);
            return d;
        }
    }

    /** A sample's seed: depends on (seed, epoch, index) only. */
    public static long sampleSeed(long seed, long epoch, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + index * 0x165667B19E3779F9L;
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }

    /**
     * Runs the pipeline on a batch of images held in a tensor: uint8 (8-bit values, like a PIL image) or
     * float32 (values in [0, 1], already "ToTensor"), shaped [N, H, W] (one channel) or [N, C, H, W].
     * Returns float32 [N, C', H', W']. Sample i uses {@code sampleSeed(seed, 0, i)}.
     */
    public Tensor apply(Tensor images, long seed) {
        long n = images.dim() > 0 ? images.size(0) : 0;
        long[] seeds = new long[Math.toIntExact(n)];
        for (int i = 0; i < seeds.length; i++) seeds[i] = sampleSeed(seed, 0, i);
        return apply(images, seeds, 0);
    }

    /** As {@link #apply(Tensor, long)} with a seed per image and a thread count (0: all cores). */
    public Tensor apply(Tensor images, long[] seeds, int threads) {
        Shim.require("The image pipeline");
        long[] shape = images.shape();
        if (shape.length != 3 && shape.length != 4) {
            throw new IllegalArgumentException("images must be [N, H, W] or [N, C, H, W], got " + Arrays.toString(shape));
        }
        DType dtype = images.dtype();
        if (dtype != DType.UINT8 && dtype != DType.FLOAT32) {
            throw new IllegalArgumentException("images must be uint8 (0-255) or float32 (0-1), got " + dtype);
        }
        long n = shape[0], c = shape.length == 4 ? shape[1] : 1, h = shape[shape.length - 2], w = shape[shape.length - 1];
        if (seeds.length != n) throw new IllegalArgumentException(seeds.length + " seeds for " + n + " images");
        if (stages != null) {
            Tensor batch = images.dim() == 3 ? images.unsqueeze(1) : images;
            return staged(Math.toIntExact(n), seeds, threads, i -> ((Pipeline) stages.get(0))
                    .apply(batch.narrow(0, i, 1), new long[] {seeds[i]}, 1).select(0, 0), null, i -> "image " + i);
        }
        boolean eightBit = dtype == DType.UINT8;
        long[] out = outputShape(c, h, w, eightBit);
        Tensor src = Tensor.wrap(images.handle().contiguous());
        Tensor dst = Tensor.zeros(format, DType.FLOAT32, n, out[0], out[1], out[2]);
        if (n == 0) return dst;
        try (DoublePointer prog = new DoublePointer(program); LongPointer seedPtr = new LongPointer(seeds);
             IntPointer status = new IntPointer(n); BytePointer errors = messageSlots(n)) {
            int rc = NativeShim.t4j_pipeline_run_pixels(prog, program.length, src.handle().data_ptr(), eightBit ? 0 : 1,
                    NativeShim.LAYOUT_NCHW, n, c, h, w, seedPtr, dst.handle().data_ptr(), layout(), out[0], out[1], out[2], threads,
                    status, errors, MESSAGE_BYTES);
            if (rc == NativeShim.BAD_ARGUMENT) throw new IllegalArgumentException(message(errors, 0) + " in " + this);
            if (rc != NativeShim.OK) {
                for (int i = 0; i < n; i++) {
                    if (status.get(i) != NativeShim.OK) throw new IllegalArgumentException("image " + i + " " + message(errors, i));
                }
            }
        }
        return dst;
    }

    /** One image file through the pipeline: [C, H, W]; random steps use {@code seed}. */
    public Tensor load(Path file, long seed) {
        FileBatch b = load(List.of(file), new long[] {sampleSeed(seed, 0, 0)}, 1, false);
        if (!b.failures().isEmpty()) throw b.failures().get(0).exception();
        return b.images().select(0, 0);
    }

    /** One image file through the pipeline (random steps with seed 0). */
    public Tensor load(Path file) {
        return load(file, 0);
    }

    /** A sample that failed: its position in the batch, its file, and why. */
    record Failure(int index, Path path, String reason) {
        ImageException exception() {
            return new ImageException(path, reason);
        }
    }

    /** Images [N, C, H, W] (rows of failed samples are zero) and the failures. */
    record FileBatch(Tensor images, List<Failure> failures) {}

    /** Decodes and transforms {@code files} into one batch; {@code fastDecode} allows DCT-domain JPEG downscaling. */
    FileBatch load(List<Path> files, long[] seeds, int threads, boolean fastDecode) {
        Shim.require("Image loading");
        int n = files.size();
        if (seeds.length != n) throw new IllegalArgumentException(seeds.length + " seeds for " + n + " files");
        List<Failure> failures = new ArrayList<>();
        if (stages != null) {
            Tensor out = staged(n, seeds, threads, i -> {
                FileBatch one = ((Pipeline) stages.get(0)).load(List.of(files.get(i)), new long[] {seeds[i]}, 1, fastDecode);
                if (!one.failures().isEmpty()) throw new StagedFailure(one.failures().get(0).reason());
                return one.images().select(0, 0);
            }, (i, reason) -> {
                synchronized (failures) {
                    failures.add(new Failure(i, files.get(i), reason));
                }
            }, i -> "image " + i + " (" + files.get(i) + ")");
            failures.sort(java.util.Comparator.comparingInt(Failure::index));
            return new FileBatch(out, failures);
        }
        long[] shape = fixedShape(3, true);
        if (shape == null) { // the size depends on the images: the first readable one sets the batch's
            for (int i = 0; i < n && shape == null; i++) {
                long[] hwc = new long[3];
                String err = info(files.get(i), hwc);
                if (err == null) shape = outputShape(hwc[2], hwc[0], hwc[1], true);
            }
            if (shape == null) shape = new long[] {3, 1, 1}; // nothing readable: every sample fails below
        }
        Tensor dst = Tensor.zeros(format, DType.FLOAT32, n, shape[0], shape[1], shape[2]);
        if (n == 0) return new FileBatch(dst, failures);
        byte[][] encoded = new byte[n][];
        long[] offsets = new long[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            encoded[i] = files.get(i).toString().getBytes(StandardCharsets.UTF_8);
            offsets[i] = total;
            total += encoded[i].length + 1;
        }
        byte[] all = new byte[Math.toIntExact(total)];
        for (int i = 0; i < n; i++) System.arraycopy(encoded[i], 0, all, Math.toIntExact(offsets[i]), encoded[i].length);
        try (DoublePointer prog = new DoublePointer(program); BytePointer paths = new BytePointer(all);
             LongPointer offs = new LongPointer(offsets); LongPointer seedPtr = new LongPointer(seeds);
             IntPointer status = new IntPointer((long) n); BytePointer errors = messageSlots(n)) {
            int rc = NativeShim.t4j_pipeline_run_files(prog, program.length, paths, offs, n, seedPtr, fastDecode ? 1 : 0,
                    dst.handle().data_ptr(), layout(), shape[0], shape[1], shape[2], threads, status, errors, MESSAGE_BYTES);
            if (rc == NativeShim.BAD_ARGUMENT) throw new IllegalArgumentException(message(errors, 0) + " in " + this);
            if (rc != NativeShim.OK) {
                for (int i = 0; i < n; i++) {
                    if (status.get(i) != NativeShim.OK) failures.add(new Failure(i, files.get(i), message(errors, i)));
                }
            }
        }
        return new FileBatch(dst, failures);
    }

    /** A sample the first stage could not read (files only: recorded as a failure, the batch goes on). */
    private static final class StagedFailure extends RuntimeException {
        StagedFailure(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Runs a pipeline with Java steps on n samples: {@code first.apply(i)} makes sample i's image [C, H, W] with the
     * first native stage, the later stages follow one image at a time. The first image that succeeds sets the batch
     * shape (so it runs alone); the rest run on {@code threads} threads (0: all cores), each copying its result into
     * its row inside a scope of its own. Samples that fail in the first stage go to {@code failed} (rows stay zero)
     * or, without it, throw.
     */
    private Tensor staged(int n, long[] seeds, int threads, java.util.function.IntFunction<Tensor> first,
                          java.util.function.BiConsumer<Integer, String> failed, java.util.function.IntFunction<String> what) {
        Tensor[] batch = new Tensor[1];
        int start = 0;
        while (start < n && batch[0] == null) {
            int i = start++;
            try (dev.torch4j.tensor.Scope s = dev.torch4j.tensor.Scope.open()) {
                Tensor img = runStages(i, seeds[i], first, what, failed);
                if (img == null) continue;
                long[] shape = img.shape();
                batch[0] = Tensor.zeros(format, DType.FLOAT32, n, shape[0], shape[1], shape[2]);
                s.keep(batch[0]);
                batch[0].select(0, i).copy_(img);
            }
        }
        Tensor dst = batch[0] == null ? Tensor.zeros(format, DType.FLOAT32, n, 3, 1, 1) : batch[0];
        if (start >= n) return dst;
        long[] rowShape = Arrays.copyOfRange(dst.shape(), 1, 4);
        java.util.function.IntConsumer one = i -> {
            try (dev.torch4j.tensor.Scope s = dev.torch4j.tensor.Scope.open()) {
                Tensor img = runStages(i, seeds[i], first, what, failed);
                if (img == null) return;
                if (!Arrays.equals(img.shape(), rowShape)) {
                    String reason = "produces " + shapeText(img.shape()) + " but the batch is " + shapeText(rowShape)
                            + " (add a Resize to a fixed size, or a crop) in " + this;
                    if (failed == null) throw new IllegalArgumentException(what.apply(i) + " " + reason);
                    failed.accept(i, reason);
                    return;
                }
                dst.select(0, i).copy_(img);
            }
        };
        java.util.stream.IntStream rest = java.util.stream.IntStream.range(start, n);
        int workers = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        if (workers <= 1 || n - start == 1) {
            rest.forEach(one);
        } else {
            java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(workers);
            try {
                pool.submit(() -> rest.parallel().forEach(one)).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while transforming images", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error err) throw err;
                throw new IllegalStateException(e.getCause());
            } finally {
                pool.shutdown();
            }
        }
        return dst;
    }

    /** Sample i through every stage; null when the first stage failed and {@code failed} took it. */
    private Tensor runStages(int i, long seed, java.util.function.IntFunction<Tensor> first, java.util.function.IntFunction<String> what,
                             java.util.function.BiConsumer<Integer, String> failed) {
        Tensor img;
        try {
            img = first.apply(i);
        } catch (StagedFailure e) {
            if (failed == null) throw new IllegalArgumentException(what.apply(i) + " " + e.getMessage());
            failed.accept(i, e.getMessage());
            return null;
        }
        for (int k = 1; k < stages.size(); k++) {
            long stageSeed = sampleSeed(seed, k, 0); // stage 0 uses the sample's seed as a native pipeline would
            if (stages.get(k) instanceof Transform.Lambda lambda) {
                Tensor out;
                try {
                    out = lambda.apply(img, new java.util.SplittableRandom(stageSeed));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(lambda + " failed on " + what.apply(i) + " of shape " + shapeText(img.shape())
                            + ": " + e.getMessage(), e);
                }
                if (out == null || out.dim() != 3) {
                    throw new IllegalArgumentException(lambda + " must return an image [C, H, W], returned "
                            + (out == null ? "null" : shapeText(out.shape())) + " for " + what.apply(i));
                }
                img = out.dtype() == DType.FLOAT32 ? out : out.float32();
            } else {
                img = ((Pipeline) stages.get(k)).apply(img.unsqueeze(0), new long[] {stageSeed}, 1).select(0, 0);
            }
        }
        return img;
    }

    private static String shapeText(long[] shape) {
        return Arrays.stream(shape).mapToObj(String::valueOf).collect(Collectors.joining("x"));
    }

    /** Reads a file's header into {height, width, channels}; returns the error, or null. */
    static String info(Path file, long[] hwc) {
        try (BytePointer path = new BytePointer(file.toString(), StandardCharsets.UTF_8); LongPointer out = new LongPointer(3);
             BytePointer err = messageSlots(1)) {
            if (NativeShim.t4j_image_info(path, out, err, MESSAGE_BYTES) != NativeShim.OK) return message(err, 0);
            for (int i = 0; i < 3; i++) hwc[i] = out.get(i);
            return null;
        }
    }

    /** Zeroed room for n messages, so that a slot the shim leaves alone reads as empty. */
    private static BytePointer messageSlots(long n) {
        BytePointer slots = new BytePointer(n * MESSAGE_BYTES);
        slots.zero();
        return slots;
    }

    /**
     * Message slot {@code i}: the bytes up to its NUL, as UTF-8. (JavaCPP's getString() would read to the
     * buffer's limit, taking in the uninitialised bytes after the NUL and the following slots.)
     */
    private static String message(BytePointer errors, long i) {
        byte[] slot = new byte[MESSAGE_BYTES];
        for (int k = 0; k < MESSAGE_BYTES; k++) slot[k] = errors.get(i * MESSAGE_BYTES + k);
        int end = 0;
        while (end < MESSAGE_BYTES && slot[end] != 0) end++;
        return new String(slot, 0, end, StandardCharsets.UTF_8).trim();
    }

    @Override public String toString() {
        return "Compose(" + steps.stream().map(Object::toString).collect(Collectors.joining(", ")) + ")"
                + (format == MemoryFormat.CONTIGUOUS ? "" : " in " + format);
    }
}
