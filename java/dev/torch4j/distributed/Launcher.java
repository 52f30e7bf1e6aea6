package dev.torch4j.distributed;

import dev.torch4j.config.Check;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the worker processes of a data-parallel run on this machine, as {@code torchrun} does: {@code nprocPerNode}
 * copies of a command, each with torchrun's environment ({@code MASTER_ADDR}, {@code MASTER_PORT}, {@code RANK},
 * {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code LOCAL_WORLD_SIZE}, {@code GROUP_RANK}) and one intra-op thread
 * ({@code OMP_NUM_THREADS=1}) unless the environment already sets it. Each output line is prefixed with the worker's
 * rank. When a worker fails, the others are stopped (SIGTERM, then SIGKILL after {@link #gracePeriod}) and
 * {@link #run} returns the failed worker's exit code; when the launcher itself ends, its workers end too (they watch
 * it through {@value #PARENT_VARIABLE}).
 *
 * <pre>{@code
 * int code = Launcher.of(2).run(List.of("java", "-cp", cp, "my.Training"));
 * }</pre>
 * On several machines run the same launcher on each, with {@link #nnodes}, {@link #nodeRank}, and the master's address
 * and port.
 */
public final class Launcher {
    /** The launcher's pid, given to every worker so that it stops when the launcher is gone. */
    public static final String PARENT_VARIABLE = "TORCH4J_LAUNCHER_PID";
    private static final int DEFAULT_PORT = 29500; // torchrun's

    private final int nprocPerNode, nnodes, nodeRank, masterPort;
    private final String masterAddr;
    private final Duration gracePeriod;
    private final PrintStream out, err;

    private Launcher(int nprocPerNode, int nnodes, int nodeRank, String masterAddr, int masterPort, Duration gracePeriod, PrintStream out, PrintStream err) {
        this.nprocPerNode = nprocPerNode;
        this.nnodes = nnodes;
        this.nodeRank = nodeRank;
        this.masterAddr = masterAddr;
        this.masterPort = masterPort;
        this.gracePeriod = gracePeriod;
        this.out = out;
        this.err = err;
    }

    /** {@code nprocPerNode} workers on this machine, the only one (master 127.0.0.1, a free port). */
    public static Launcher of(int nprocPerNode) {
        Check.atLeast("Launcher", "nprocPerNode", nprocPerNode, 1);
        return new Launcher(nprocPerNode, 1, 0, "127.0.0.1", 0, Duration.ofSeconds(5), System.out, System.err);
    }

    /** Machines in the run (torchrun's {@code --nnodes}); with more than one, give {@link #masterAddr} on every machine. */
    public Launcher nnodes(int n) {
        Check.atLeast("Launcher", "nnodes", n, 1);
        return new Launcher(nprocPerNode, n, nodeRank, masterAddr, masterPort, gracePeriod, out, err);
    }

    /** This machine's index among them (torchrun's {@code --node-rank}); its workers get ranks from {@code nodeRank * nprocPerNode}. */
    public Launcher nodeRank(int k) {
        Check.atLeast("Launcher", "nodeRank", k, 0);
        return new Launcher(nprocPerNode, nnodes, k, masterAddr, masterPort, gracePeriod, out, err);
    }

    /** Where rank 0 listens (the address of node 0, reachable from every machine). Default 127.0.0.1. */
    public Launcher masterAddr(String addr) {
        Check.present("Launcher", "masterAddr", addr);
        if (addr.isBlank()) throw new IllegalArgumentException("Launcher masterAddr must not be blank");
        return new Launcher(nprocPerNode, nnodes, nodeRank, addr.strip(), masterPort, gracePeriod, out, err);
    }

    /** The master's port; 0 (the default) picks a free one on a single machine and 29500 on several. */
    public Launcher masterPort(int port) {
        Check.between("Launcher", "masterPort", port, 0, 65535);
        return new Launcher(nprocPerNode, nnodes, nodeRank, masterAddr, port, gracePeriod, out, err);
    }

    /** How long a stopped worker gets between SIGTERM and SIGKILL (default 5 s). */
    public Launcher gracePeriod(Duration d) {
        Check.present("Launcher", "gracePeriod", d);
        return new Launcher(nprocPerNode, nnodes, nodeRank, masterAddr, masterPort, d, out, err);
    }

    /** Where the workers' prefixed output goes (default System.out and System.err). */
    public Launcher output(PrintStream out, PrintStream err) {
        return new Launcher(nprocPerNode, nnodes, nodeRank, masterAddr, masterPort, gracePeriod, out, err);
    }

    public int worldSize() {
        return nprocPerNode * nnodes;
    }

    /**
     * Starts the workers and waits for them: 0 when all end with 0; otherwise the exit code of the first worker that
     * failed (the others were stopped), or 1 if that code was 0.
     */
    public int run(List<String> command) {
        if (command.isEmpty()) throw new IllegalArgumentException("Launcher needs a command to start");
        if (nodeRank >= nnodes) throw new IllegalArgumentException("Launcher nodeRank must be in [0, " + (nnodes - 1) + "], got " + nodeRank);
        int port = masterPort != 0 ? masterPort : nnodes == 1 ? freePort() : DEFAULT_PORT;
        List<Process> workers = new ArrayList<>();
        List<Thread> pumps = new ArrayList<>();
        Thread stopAll = new Thread(() -> stop(workers, -1));
        Runtime.getRuntime().addShutdownHook(stopAll);
        try {
            for (int local = 0; local < nprocPerNode; local++) {
                int rank = nodeRank * nprocPerNode + local;
                ProcessBuilder pb = new ProcessBuilder(command);
                Map<String, String> env = pb.environment();
                env.put("MASTER_ADDR", masterAddr);
                env.put("MASTER_PORT", Integer.toString(port));
                env.put("RANK", Integer.toString(rank));
                env.put("WORLD_SIZE", Integer.toString(worldSize()));
                env.put("LOCAL_RANK", Integer.toString(local));
                env.put("LOCAL_WORLD_SIZE", Integer.toString(nprocPerNode));
                env.put("GROUP_RANK", Integer.toString(nodeRank));
                env.putIfAbsent("OMP_NUM_THREADS", "1");
                env.put(PARENT_VARIABLE, Long.toString(ProcessHandle.current().pid()));
                Process p;
                try {
                    p = pb.start();
                } catch (IOException e) {
                    stop(workers, -1);
                    throw new UncheckedIOException("cannot start worker " + rank + " (" + command.get(0) + "): " + e.getMessage(), e);
                }
                workers.add(p);
                pumps.add(pump(p.getInputStream(), out, rank));
                pumps.add(pump(p.getErrorStream(), err, rank));
            }
            int code = watch(workers);
            for (Thread t : pumps) {
                try {
                    t.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return code;
        } finally {
            stop(workers, -1);
            try {
                Runtime.getRuntime().removeShutdownHook(stopAll);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down; the hook is running
            }
        }
    }

    /** Waits until all workers ended, or one failed (then stops the rest); returns the run's exit code. */
    private int watch(List<Process> workers) {
        while (true) {
            boolean running = false;
            for (int i = 0; i < workers.size(); i++) {
                Process p = workers.get(i);
                if (p.isAlive()) {
                    running = true;
                    continue;
                }
                int code = p.exitValue();
                if (code != 0) {
                    int rank = nodeRank * nprocPerNode + i;
                    synchronized (err) {
                        err.println("torch4j launch: worker rank " + rank + " exited with code " + code + describe(code) + "; stopping the other workers");
                    }
                    stop(workers, i);
                    return code;
                }
            }
            if (!running) return 0;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop(workers, -1);
                return 130;
            }
        }
    }

    private static String describe(int code) {
        if (code == 137) return " (killed, SIGKILL)";
        if (code == 143) return " (terminated, SIGTERM)";
        if (code > 128 && code < 160) return " (signal " + (code - 128) + ")";
        return "";
    }

    /** SIGTERM to every live worker but {@code except}, SIGKILL to those still alive after the grace period. */
    private void stop(List<Process> workers, int except) {
        List<Process> live = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            Process p = workers.get(i);
            if (i != except && p.isAlive()) {
                p.destroy();
                live.add(p);
            }
        }
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        for (Process p : live) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.waitFor(left, java.util.concurrent.TimeUnit.NANOSECONDS)) p.destroyForcibly().waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Thread pump(InputStream in, PrintStream to, int rank) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (to) {
                        to.println("[rank " + rank + "] " + line);
                    }
                }
            } catch (IOException ignored) {
                // the worker ended
            }
        }, "torch4j-launch-output-" + rank);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port for the master: " + e.getMessage(), e);
        }
    }
}
