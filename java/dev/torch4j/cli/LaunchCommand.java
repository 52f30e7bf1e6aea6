package dev.torch4j.cli;

import dev.torch4j.distributed.Launcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code launch --nproc-per-node N [...] -- COMMAND ...}: starts N workers for a data-parallel run, as torchrun does
 * (its flag names); a torch4j command ({@code train ...}) runs in a JVM of its own per worker.
 */
@Command(name = "launch", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        description = {"Starts N worker processes for a data-parallel run, with torchrun's options and environment (MASTER_ADDR,",
                "MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE; OMP_NUM_THREADS=1 unless set). COMMAND is a torch4j",
                "command (e.g. train --recipe s3-lenet), run in a JVM of its own per worker, or any program (java -cp app.jar Main ...)",
                "that calls ProcessGroup.init(). Output lines are prefixed with the worker's rank; when one worker fails the others",
                "are stopped and launch exits with its code. Environment: TORCH4J_DIST_TIMEOUT (seconds a collective waits,",
                "default 300), TORCH4J_DIST_JOIN_TIMEOUT (seconds every rank has to arrive, default 120), GLOO_SOCKET_IFNAME",
                "(network interface on several machines). docs/distributed.md has the rest.", ""})
final class LaunchCommand implements Callable<Integer> {
    /** Commands of this tool that a worker may run (the rest of the line is taken as a program to start). */
    static final Set<String> OWN_COMMANDS = Set.of("train", "bench", "summary", "version", "predict", "explain");

    @ParentCommand Main main;
    @Spec CommandSpec spec;

    @Option(names = "--nproc-per-node", required = true, paramLabel = "N", description = "Workers on this machine.")
    int nprocPerNode;

    @Option(names = "--nnodes", paramLabel = "M", defaultValue = "1", description = "Machines in the run; run the same launch on each, with its --node-rank.")
    int nnodes;

    @Option(names = "--node-rank", paramLabel = "K", defaultValue = "0", description = "This machine's index, 0 to M-1.")
    int nodeRank;

    @Option(names = "--master-addr", paramLabel = "HOST", description = "Address of node 0, reachable from all (default 127.0.0.1; required with --nnodes > 1).")
    String masterAddr;

    @Option(names = "--master-port", paramLabel = "PORT", defaultValue = "0", description = "Port rank 0 listens on (0: a free port on one machine, 29500 on several).")
    int masterPort;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "What each worker runs (after --).")
    List<String> command;

    @Override public Integer call() {
        Main.atLeast(spec, "--nproc-per-node", nprocPerNode, 1);
        Main.atLeast(spec, "--nnodes", nnodes, 1);
        if (nodeRank < 0 || nodeRank >= nnodes) throw Main.badValue(spec, "--node-rank must be in [0, " + (nnodes - 1) + "], got " + nodeRank);
        if (masterPort < 0 || masterPort > 65535) throw Main.badValue(spec, "--master-port must be in [0, 65535], got " + masterPort);
        if (nnodes > 1 && masterAddr == null) {
            throw Main.badValue(spec, "--nnodes " + nnodes + " needs --master-addr, the address of node 0 (the same on every node)");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (nprocPerNode > cores) {
            Main.err(main).println("torch4j launch: warning: " + nprocPerNode + " workers on " + cores + " cores; each gets one thread, and they"
                    + " will share the cores (slower than " + cores + ")");
        }
        List<String> cmd = new ArrayList<>(command);
        if (OWN_COMMANDS.contains(cmd.get(0))) cmd.addAll(0, selfJvm());
        return Launcher.of(nprocPerNode).nnodes(nnodes).nodeRank(nodeRank).masterAddr(masterAddr == null ? "127.0.0.1" : masterAddr)
                .masterPort(masterPort).output(Main.out(main), Main.err(main)).run(cmd);
    }

    /** This JVM's java and class path, running this tool's main class. */
    static List<String> selfJvm() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName());
    }
}
