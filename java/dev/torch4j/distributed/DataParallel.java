package dev.torch4j.distributed;

import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.bytedeco.pytorch.BoolVector;
import org.bytedeco.pytorch.Reducer;
import org.bytedeco.pytorch.SizeTStringMap;
import org.bytedeco.pytorch.SizeTVector;
import org.bytedeco.pytorch.SizeTVectorVector;
import org.bytedeco.pytorch.T_SizeTVectorVectorSizeTVector_T;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Data-parallel training of one model replica per process (PyTorch's {@code DistributedDataParallel}): at the start,
 * rank 0's parameters and buffers are copied to every rank; during each backward pass the gradients of the trainable
 * parameters are averaged over the ranks in buckets (about 25 MB, in reverse parameter order, the first one small),
 * each bucket's allreduce overlapping the rest of the backward pass (libtorch's c10d {@code Reducer}); before each
 * training forward pass rank 0's buffers (batch-norm statistics) are copied to every rank. Frozen parameters are left
 * out. The {@link dev.torch4j.train.Trainer} does all this by itself when a {@link ProcessGroup} is active; use this
 * class in a loop of your own:
 *
 * <pre>{@code
 * DataParallel ddp = DataParallel.of(model);                 // the active group
 * for (Batch b : loader) {
 *     optimizer.zeroGrad();
 *     Tensor loss = F.crossEntropy(ddp.call(b.inputs()), b.targets());
 *     loss.backward();                                      // gradients are now the average over the ranks
 *     optimizer.step();
 * }
 * }</pre>
 *
 * <p>Accumulating gradients over several batches: run all but the last inside {@code try (var pause = ddp.noSync())}:
 * their backward passes stay local, and the next synchronised one averages the accumulated gradients.
 */
public final class DataParallel implements AutoCloseable {
    private static final long FIRST_BUCKET_BYTES = 1L << 20; // DDP's: the last layers' gradients go out early

    private final Layer model;
    private final ProcessGroup group;
    private long bucketCapBytes = 25L << 20;
    private boolean broadcastBuffers = true;
    private Reducer reducer;
    private List<Tensor> buffers;
    private boolean started, paused;

    private DataParallel(Layer model, ProcessGroup group) {
        this.model = model;
        this.group = group;
    }

    /** Wraps {@code model} for the active process group ({@link ProcessGroup#join}). */
    public static DataParallel of(Layer model) {
        return of(model, ProcessGroup.active().orElseThrow(() -> new IllegalStateException(
                "DataParallel needs an active process group: call ProcessGroup.init() (or join) first, or start with `torch4j launch`")));
    }

    public static DataParallel of(Layer model, ProcessGroup group) {
        dev.torch4j.config.Check.present("DataParallel", "model", model);
        dev.torch4j.config.Check.present("DataParallel", "group", group);
        return new DataParallel(model, group);
    }

    /** Gradient bucket size in MB (PyTorch's {@code bucket_cap_mb}, default 25); before the first forward pass. */
    public DataParallel bucketCapMb(double mb) {
        dev.torch4j.config.Check.above("DataParallel", "bucketCapMb", mb, 0);
        notStarted("bucketCapMb");
        bucketCapBytes = Math.max(1, (long) (mb * (1 << 20)));
        return this;
    }

    /** Copy rank 0's buffers to every rank before each training forward pass (PyTorch's {@code broadcast_buffers}, default true). */
    public DataParallel broadcastBuffers(boolean on) {
        broadcastBuffers = on;
        return this;
    }

    public double bucketCapMb() {
        return bucketCapBytes / (double) (1 << 20);
    }

    public boolean broadcastBuffers() {
        return broadcastBuffers;
    }

    public Layer model() {
        return model;
    }

    public ProcessGroup group() {
        return group;
    }

    private void notStarted(String option) {
        if (started) throw new IllegalStateException("DataParallel " + option + " must be set before the first forward pass");
    }

    /**
     * Checks that every rank has the same model (parameter and buffer shapes), copies rank 0's parameters and
     * buffers to all, and sets up the gradient buckets. Runs by itself before the first forward pass; call it
     * earlier to have the weights equal everywhere at once (the Trainer does, before it resumes or trains).
     */
    public DataParallel start() {
        if (started) return this;
        started = true;
        List<Tensor> all = new ArrayList<>(model.parameters());
        buffers = new ArrayList<>(model.namedBuffers().values());
        all.addAll(buffers);
        verifySameModel(all);
        broadcast(all);
        List<Tensor> trainable = new ArrayList<>();
        SizeTStringMap names = new SizeTStringMap(); // for libtorch's messages about a parameter
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            if (!e.getValue().requiresGrad()) continue;
            names.put(trainable.size(), e.getKey());
            trainable.add(e.getValue());
        }
        if (group.handle() != null && !trainable.isEmpty()) {
            try {
                TensorVector params = new TensorVector();
                for (Tensor p : trainable) params.push_back(p.handle());
                T_SizeTVectorVectorSizeTVector_T assignment = torch.compute_bucket_assignment_by_size(params,
                        new SizeTVector(FIRST_BUCKET_BYTES, bucketCapBytes));
                SizeTVectorVector buckets = assignment.get0();
                SizeTVectorVector reversed = new SizeTVectorVector();
                for (long i = buckets.size() - 1; i >= 0; i--) reversed.push_back(buckets.get(i));
                reducer = new Reducer(params, reversed, group.handle(), new BoolVector(new boolean[trainable.size()]), bucketCapBytes,
                        false, false, names, FIRST_BUCKET_BYTES, false, false);
                java.lang.ref.Reference.reachabilityFence(assignment); // buckets points into it
            } catch (RuntimeException e) {
                throw group.failed("setting up the gradient buckets", e);
            }
        }
        return this;
    }

    /**
     * Call before a training forward pass (as {@link #call} does): copies rank 0's buffers and, unless paused by
     * {@link #noSync}, readies the gradient averaging of the next backward pass.
     */
    public void beforeForward() {
        start();
        if (!Torch.gradEnabled() || group.handle() == null) return;
        if (broadcastBuffers && !buffers.isEmpty()) broadcast(buffers);
        if (reducer != null && !paused) {
            try {
                reducer.prepare_for_forward();
                reducer.rebuild_buckets(); // once, after the first step: buckets in the order gradients become ready
            } catch (RuntimeException e) {
                throw group.failed("preparing the gradient buckets", e);
            }
        }
    }

    /** Call after a training forward pass, before the backward pass (as {@link #call} does). */
    public void afterForward() {
        if (reducer == null || paused || !Torch.gradEnabled()) return;
        try {
            reducer.prepare_for_backward(new TensorVector());
        } catch (RuntimeException e) {
            throw group.failed("preparing the backward pass", e);
        }
    }

    /** The model's output for {@code input}, set up so that the next backward pass averages the gradients. */
    public Tensor call(Tensor input) {
        beforeForward();
        Tensor out = model.call(input);
        afterForward();
        return out;
    }

    /** Until closed, forward and backward passes stay local: gradients accumulate on each rank without communication. */
    public AutoCloseable noSync() {
        paused = true;
        return () -> paused = false;
    }

    /** Copies rank 0's buffers to every rank now (e.g. before evaluating, so that every rank evaluates one model). */
    public void syncBuffers() {
        start();
        if (group.handle() != null && !buffers.isEmpty()) broadcast(buffers);
    }

    private void broadcast(List<Tensor> tensors) {
        if (group.handle() == null || tensors.isEmpty()) return;
        try (Torch.NoGrad g = Torch.noGrad()) {
            TensorVector v = new TensorVector();
            for (Tensor t : tensors) v.push_back(t.handle());
            torch.broadcast_coalesced(group.handle(), v, 256L << 20, 0);
        } catch (RuntimeException e) {
            throw group.failed("copying rank 0's weights", e);
        }
    }

    /** Every rank must hold the same architecture: compares the count, sizes and shapes of all tensors with rank 0's. */
    private void verifySameModel(List<Tensor> tensors) {
        if (group.handle() == null) return;
        long count = tensors.size(), values = 0, shapes = 17;
        for (Tensor t : tensors) {
            values += t.numel();
            for (long d : t.shape()) shapes = shapes * 31 + d;
            shapes = shapes * 31 + t.dim();
        }
        try (dev.torch4j.tensor.Scope s = dev.torch4j.tensor.Scope.open()) {
            Tensor mine = Tensor.of(new long[]{count, values, shapes}, 3);
            List<Tensor> every = group.allGather(mine);
            long[] main = every.get(0).toLongArray();
            for (int k = 1; k < every.size(); k++) {
                long[] other = every.get(k).toLongArray();
                if (!java.util.Arrays.equals(main, other)) {
                    throw new DistributedException("rank " + group.rank() + " of " + group.worldSize() + ": rank " + k + "'s model differs from rank 0's ("
                            + other[0] + " parameter and buffer tensors with " + other[1] + " values, against " + main[0] + " with " + main[1]
                            + (other[0] == main[0] && other[1] == main[1] ? ", shaped differently" : "") + "); every rank must build the same model", null);
                }
            }
        }
    }

    /** Takes the gradient hooks off the parameters; the model trains alone again. */
    @Override public void close() {
        if (reducer == null) return;
        try {
            reducer.remove_autograd_hooks();
            reducer.close();
        } catch (RuntimeException e) {
            // after a failed backward pass the reducer may refuse; the failure itself has been reported
            System.getLogger(DataParallel.class.getName()).log(System.Logger.Level.DEBUG, "closing the reducer: " + e.getMessage());
        } finally {
            reducer = null;
        }
    }
}
