package dev.torch4j.distributed;

import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.BackendOptional;
import org.bytedeco.pytorch.BarrierOptions;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.ByteVector;
import org.bytedeco.pytorch.PrefixStore;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The processes of a data-parallel run, joined on libtorch's c10d (PyTorch's {@code torch.distributed}): gloo for CPU
 * tensors, NCCL for CUDA tensors in the GPU build. {@link #join} connects, and makes the group this process's active
 * one: {@link dev.torch4j.train.Trainer} then trains data-parallel by itself.
 *
 * <pre>{@code
 * try (ProcessGroup group = ProcessGroup.init()) {     // torchrun's environment, as `torch4j launch` sets it
 *     Trainer.of(model).epochs(5).fit(train, valid);    // each rank trains on its share; rank 0 writes
 * }
 * }</pre>
 *
 * <p>Failures (a peer that died, a timeout, a rank that never arrived) are {@link DistributedException}s naming this
 * rank, the operation and the peer; after one the group is unusable. Collectives are called from one thread at a
 * time, in the same order on every rank.
 */
public final class ProcessGroup implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProcessGroup.class.getName());
    private static volatile ProcessGroup active;

    private final Rendezvous rendezvous;
    private final org.bytedeco.pytorch.ProcessGroup handle; // null for a group of one
    private final TCPStore store;
    private final List<Object> keepAlive = new ArrayList<>();
    private volatile String failure;
    private volatile boolean closed;

    private ProcessGroup(Rendezvous r, org.bytedeco.pytorch.ProcessGroup handle, TCPStore store) {
        this.rendezvous = r;
        this.handle = handle;
        this.store = store;
    }

    /** Joins the run described by torchrun's environment variables ({@link Rendezvous#fromEnvironment()}). */
    public static ProcessGroup init() {
        return join(Rendezvous.fromEnvironment());
    }

    /**
     * Connects to the other ranks (rank 0 listens at the master address; the others connect to it) and waits until
     * all {@code worldSize} ranks are there, at most {@link Rendezvous#joinTimeout}. The group becomes this process's
     * active group until {@link #close}.
     */
    public static synchronized ProcessGroup join(Rendezvous r) {
        if (active != null) throw new IllegalStateException("a process group is already active (" + active.rendezvous + "); close it first");
        Torch.init();
        ProcessGroup g = r.worldSize() == 1 ? new ProcessGroup(r, null, null) : connect(r);
        watchLauncher();
        active = g;
        return g;
    }

    private static ProcessGroup connect(Rendezvous r) {
        String where = "rank " + r.rank() + " of " + r.worldSize();
        TCPStore store;
        try {
            TCPStoreOptions so = new TCPStoreOptions();
            so.port((short) r.masterPort()).isServer(r.rank() == 0).waitWorkers(false).timeout(millis(r.joinTimeout()));
            store = new TCPStore(r.masterAddr(), so);
        } catch (RuntimeException e) {
            String m = essence(e);
            String hint = r.rank() == 0
                    ? (m.contains("in use") || m.contains("bind") ? " (the port is in use: another run? choose another master port)" : "")
                    : " (is rank 0 running, and are MASTER_ADDR and MASTER_PORT the same on every rank? it waited " + seconds(r.joinTimeout()) + ")";
            throw new DistributedException(where + " could not " + (r.rank() == 0 ? "listen at " : "reach the master at ") + r.master() + ": " + m + hint, e);
        }
        try {
            store.set("torch4j/joined/" + r.rank(), new ByteVector(hostName().getBytes(StandardCharsets.UTF_8)));
            PrefixStore prefix = new PrefixStore("default_pg/", store);
            // gloo connects to every peer within its timeout: the join timeout while joining, the operation timeout after
            ProcessGroupGloo.Options go = ProcessGroupGloo.Options.create(millis(r.joinTimeout()));
            go.devices().push_back(glooDevice(r));
            ProcessGroupGloo gloo = new ProcessGroupGloo(new PrefixStore("cpu/", prefix), r.rank(), r.worldSize(), go);
            gloo.setTimeout(millis(r.timeout()));
            org.bytedeco.pytorch.ProcessGroup pg = new org.bytedeco.pytorch.ProcessGroup(r.rank(), r.worldSize());
            pg.setBackend(torch.DeviceType.CPU, org.bytedeco.pytorch.ProcessGroup.BackendType.GLOO, new BackendOptional(gloo));
            pg.setDefaultBackend(org.bytedeco.pytorch.ProcessGroup.BackendType.GLOO);
            ProcessGroup g = new ProcessGroup(r, pg, store);
            g.keepAlive.add(gloo);
            g.keepAlive.add(prefix);
            if (Device.cudaAvailable()) g.keepAlive.add(Nccl.attach(pg, prefix, r));
            return g;
        } catch (RuntimeException e) {
            if (e instanceof DistributedException d) throw d;
            List<Integer> missing = new ArrayList<>();
            for (int k = 0; k < r.worldSize(); k++) {
                try {
                    if (!store.check(new StringVector("torch4j/joined/" + k))) missing.add(k);
                } catch (RuntimeException ignored) {
                    break; // the store itself is gone (rank 0 ended): say what libtorch said
                }
            }
            String who = missing.isEmpty() ? "" : " (rank" + (missing.size() > 1 ? "s " : " ") + join(missing) + " did not arrive within "
                    + seconds(r.joinTimeout()) + "; every rank must start within the join timeout, " + Rendezvous.JOIN_TIMEOUT_VARIABLE + " in seconds)";
            throw new DistributedException(where + " could not join the group at " + r.master() + ": " + essence(e) + who, e);
        }
    }

    private static org.bytedeco.pytorch.gloo.Device glooDevice(Rendezvous r) {
        String iface = System.getenv("GLOO_SOCKET_IFNAME");
        if (iface != null && !iface.isBlank()) return ProcessGroupGloo.createDeviceForInterface(iface.strip());
        try {
            if (InetAddress.getByName(r.masterAddr()).isLoopbackAddress()) return ProcessGroupGloo.createDeviceForHostname(r.masterAddr());
        } catch (java.io.IOException e) {
            throw new DistributedException("rank " + r.rank() + ": cannot resolve the master address " + r.masterAddr() + ": " + e.getMessage(), e);
        }
        return ProcessGroupGloo.createDefaultDevice();
    }

    /** Under {@code torch4j launch}: end this process when the launcher ends, so that no worker outlives it. */
    private static void watchLauncher() {
        Rendezvous.launcherPid().flatMap(p -> {
            try {
                return ProcessHandle.of(Long.parseLong(p));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }).ifPresent(h -> h.onExit().thenRun(() -> {
            System.err.println("torch4j: the launcher (pid " + h.pid() + ") has ended; stopping this worker");
            Runtime.getRuntime().halt(143);
        }));
    }

    /** The active group, if this process joined one. */
    public static Optional<ProcessGroup> active() {
        return Optional.ofNullable(active);
    }

    /** True when no group is active or this process is rank 0: the process that writes files and prints progress. */
    public static boolean isMainProcess() {
        ProcessGroup g = active;
        return g == null || g.rank() == 0;
    }

    public int rank() {
        return rendezvous.rank();
    }

    public int worldSize() {
        return rendezvous.worldSize();
    }

    /** This process's index among those on its machine (which GPU it uses). */
    public int localRank() {
        return rendezvous.localRank();
    }

    public boolean isMain() {
        return rank() == 0;
    }

    public Rendezvous rendezvous() {
        return rendezvous;
    }

    /** Combines {@code t} over all ranks with {@code op}, in place on every rank; returns {@code t}. */
    public Tensor allReduce_(Tensor t, ReduceOp op) {
        if (handle == null) return check(t);
        check(t);
        AllreduceOptions o = new AllreduceOptions();
        o.reduceOp(new org.bytedeco.pytorch.ReduceOp(op.native_));
        run("allReduce " + op, () -> handle.allreduce(new TensorVector(t.handle()), o));
        return t;
    }

    /** Sums {@code t} over all ranks, in place. */
    public Tensor allReduce_(Tensor t) {
        return allReduce_(t, ReduceOp.SUM);
    }

    /** Copies rank {@code root}'s {@code t} into every rank's {@code t} (same shape and dtype everywhere); returns {@code t}. */
    public Tensor broadcast_(Tensor t, int root) {
        dev.torch4j.config.Check.between("ProcessGroup", "broadcast root", root, 0, worldSize() - 1);
        if (handle == null) return check(t);
        check(t);
        BroadcastOptions o = new BroadcastOptions();
        o.rootRank(root);
        run("broadcast from rank " + root, () -> handle.broadcast(new TensorVector(t.handle()), o));
        return t;
    }

    /**
     * Every rank's {@code t}, in rank order (same shape and dtype on every rank). Made with one sum over a tensor in
     * which each rank fills its own row, so it is exact for every finite value.
     */
    public List<Tensor> allGather(Tensor t) {
        check(t);
        if (handle == null) return List.of(t.clone());
        long[] shape = new long[t.dim() + 1];
        shape[0] = worldSize();
        System.arraycopy(t.shape(), 0, shape, 1, t.dim());
        Tensor all = Tensor.zeros(t.dtype(), shape).to(t.device());
        all.select(0, rank()).copy_(t);
        allReduce_(all, ReduceOp.SUM);
        List<Tensor> parts = new ArrayList<>();
        for (int k = 0; k < worldSize(); k++) parts.add(all.select(0, k).clone());
        return parts;
    }

    /** Waits until every rank has arrived here. */
    public void barrier() {
        if (handle == null) return;
        run("barrier", () -> handle.barrier(new BarrierOptions()));
    }

    /** The native group, for the data-parallel wrapper; null for a group of one. */
    org.bytedeco.pytorch.ProcessGroup handle() {
        return handle;
    }

    /** Runs a collective and waits for it, translating its failure. */
    void run(String what, Supplier<Work> op) {
        if (closed) throw new IllegalStateException("rank " + rank() + ": the process group is closed");
        if (failure != null) throw new DistributedException("rank " + rank() + " of " + worldSize() + ": " + what + " refused: the group failed earlier ("
                + failure + "); restart every rank of the run", null);
        try {
            Work w = op.get();
            w._wait();
        } catch (RuntimeException e) {
            throw failed(what, e);
        }
    }

    /**
     * The error for {@code what} (an operation that communicated, e.g. a backward pass whose gradients were being
     * averaged) failing with libtorch's {@code e}: names this rank and says what the cause likely is. The group is
     * marked failed: later collectives are refused at once.
     */
    public DistributedException failed(String what, RuntimeException e) {
        if (e instanceof DistributedException d) return d;
        String m = essence(e);
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        String hint;
        if (lower.contains("closed by peer") || lower.contains("reset by peer") || lower.contains("broken pipe") || lower.contains("connection refused")) {
            hint = "; a peer process ended (crashed, was killed, or stopped early), so the run cannot go on";
        } else if (lower.contains("timed out") || lower.contains("timeout")) {
            hint = "; no answer within " + seconds(rendezvous.timeout()) + " (a peer is stuck or slower than that; set "
                    + Rendezvous.TIMEOUT_VARIABLE + " in seconds, or Rendezvous.timeout, to wait longer)";
        } else {
            hint = "";
        }
        failure = what + ": " + m;
        return new DistributedException("rank " + rank() + " of " + worldSize() + ": " + what + " failed: " + m + hint, e);
    }

    private Tensor check(Tensor t) {
        if (closed) throw new IllegalStateException("rank " + rank() + ": the process group is closed");
        if (!t.isContiguous()) throw new IllegalArgumentException("collectives need a contiguous tensor (call contiguous() first)");
        return t;
    }

    /** Leaves the group; it stops being the active one. The other ranks should be done with collectives by then. */
    @Override public synchronized void close() {
        if (closed) return;
        closed = true;
        synchronized (ProcessGroup.class) {
            if (active == this) active = null;
        }
        try {
            if (handle != null && failure == null) handle.shutdown();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "process group shutdown: " + essence(e));
        }
    }

    static Milliseconds millis(Duration d) {
        return new Milliseconds(Math.max(1, d.toMillis()));
    }

    static String seconds(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 && s > 0 ? (s / 60) + " min" : s + " s";
    }

    private static String join(List<Integer> ks) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ks.size(); i++) b.append(i == 0 ? "" : ", ").append(ks.get(i));
        return b.toString();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** libtorch's message without its C++ trace and without the source path gloo puts in front. */
    static String essence(RuntimeException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int cut = m.indexOf("\nException raised from");
        if (cut >= 0) m = m.substring(0, cut);
        m = m.strip().replaceAll("^\\[[^\\]]*\\.(cc|cpp|h|hpp):\\d+\\]\\s*", "");
        int nl = m.indexOf('\n');
        return nl >= 0 ? m.substring(0, nl).strip() : m;
    }

    @Override public String toString() {
        return "ProcessGroup(" + rendezvous + ")";
    }
}
