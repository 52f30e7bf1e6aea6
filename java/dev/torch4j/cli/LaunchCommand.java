package dev.torch4j.cli;

import dev.torch4j.distributed.Launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code launch --nproc-per-node N [...] -- COMMAND ...}: starts N workers for a data-parallel run, as torchrun does
 * (its flag names); a torch4j command ({@code train ...}) runs in a JVM of its own per worker.
 */
final class LaunchCommand {
    private LaunchCommand() {}

    /** Commands of this tool that a worker may run (the rest of the line is taken as a program to start). */
    static final Set<String> OWN_COMMANDS = Set.of("train", "bench", "summary", "version", "predict", "explain");

    static final String USAGE = String.join("\n",
            "usage: launch --nproc-per-node N [--nnodes M --node-rank K --master-addr HOST --master-port PORT] -- COMMAND ...",
            "Starts N worker processes for a data-parallel run (torchrun's options and environment: MASTER_ADDR, MASTER_PORT,",
            "RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE; OMP_NUM_THREADS=1 unless set). COMMAND is a torch4j command",
            "(e.g. train --recipe s3-lenet), run in a JVM of its own per worker, or any program (java -cp app.jar Main ...)",
            "that calls ProcessGroup.init(). Output lines are prefixed with the worker's rank; when one worker fails the others",
            "are stopped and launch exits with its code.",
            "  --nproc-per-node N   workers on this machine (required)",
            "  --nnodes M           machines in the run (default 1); run the same launch on each, with its --node-rank",
            "  --node-rank K        this machine's index, 0 to M-1 (default 0)",
            "  --master-addr HOST   address of node 0, reachable from all (default 127.0.0.1)",
            "  --master-port PORT   port rank 0 listens on (default: a free port on one machine, 29500 on several)",
            "Environment: TORCH4J_DIST_TIMEOUT (seconds a collective waits, default 300), TORCH4J_DIST_JOIN_TIMEOUT",
            "(seconds every rank has to arrive, default 120), GLOO_SOCKET_IFNAME (network interface on several machines).");

    static int run(String[] argv, PrintStream out, PrintStream err) {
        int sep = Arrays.asList(argv).indexOf("--");
        String[] options = sep < 0 ? argv : Arrays.copyOfRange(argv, 0, sep);
        Args a = new Args("launch", options, 1);
        if (a.help()) {
            out.println(USAGE);
            return 0;
        }
        if (sep < 0 || sep == argv.length - 1) {
            throw new UsageException("launch: give the command to run after '--', e.g. launch --nproc-per-node 2 -- train --recipe s3-lenet");
        }
        if (a.get("nproc-per-node", null) == null) throw new UsageException("launch: --nproc-per-node N is required");
        int nproc = a.getInt("nproc-per-node", 1);
        int nnodes = a.getInt("nnodes", 1);
        int nodeRank = a.getInt("node-rank", 0);
        String addr = a.get("master-addr", "127.0.0.1");
        int port = a.getInt("master-port", 0);
        a.rejectUnknown();
        if (nproc < 1) throw new UsageException("launch: --nproc-per-node must be >= 1, got " + nproc);
        if (nnodes < 1) throw new UsageException("launch: --nnodes must be >= 1, got " + nnodes);
        if (nodeRank < 0 || nodeRank >= nnodes) throw new UsageException("launch: --node-rank must be in [0, " + (nnodes - 1) + "], got " + nodeRank);
        if (port < 0 || port > 65535) throw new UsageException("launch: --master-port must be in [0, 65535], got " + port);
        if (nnodes > 1 && a.get("master-addr", null) == null) {
            throw new UsageException("launch: --nnodes " + nnodes + " needs --master-addr, the address of node 0 (the same on every node)");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (nproc > cores) {
            err.println("torch4j launch: warning: " + nproc + " workers on " + cores + " cores; each gets one thread, and they will"
                    + " share the cores (slower than " + cores + ")");
        }
        List<String> command = new ArrayList<>(Arrays.asList(argv).subList(sep + 1, argv.length));
        if (OWN_COMMANDS.contains(command.get(0))) command.addAll(0, selfJvm());
        Launcher l = Launcher.of(nproc).nnodes(nnodes).nodeRank(nodeRank).masterAddr(addr).masterPort(port).output(out, err);
        return l.run(command);
    }

    /** This JVM's java and class path, running this tool's main class. */
    static List<String> selfJvm() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName());
    }
}
