package dev.torch4j.distributed;

import dev.torch4j.config.Check;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how the processes of a data-parallel run meet: the master's address and port (rank 0 listens there), this
 * process's rank, the number of processes, and how long to wait. Read from torchrun's environment
 * ({@link #fromEnvironment()}, as {@code torch4j launch} sets it) or given by hand ({@link #of}). A value: options
 * return a changed copy.
 *
 * <pre>{@code
 * ProcessGroup group = ProcessGroup.join(Rendezvous.of("10.0.0.1", 29500, rank, 4).timeout(Duration.ofMinutes(10)));
 * }</pre>
 */
public final class Rendezvous {
    /** Environment variable for {@link #timeout}, in seconds. */
    public static final String TIMEOUT_VARIABLE = "TORCH4J_DIST_TIMEOUT";
    /** Environment variable for {@link #joinTimeout}, in seconds. */
    public static final String JOIN_TIMEOUT_VARIABLE = "TORCH4J_DIST_JOIN_TIMEOUT";
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5), DEFAULT_JOIN_TIMEOUT = Duration.ofMinutes(2);

    private final String masterAddr;
    private final int masterPort, rank, worldSize, localRank, localWorldSize;
    private final Duration timeout, joinTimeout;

    private Rendezvous(String masterAddr, int masterPort, int rank, int worldSize, int localRank, int localWorldSize,
                       Duration timeout, Duration joinTimeout) {
        this.masterAddr = masterAddr;
        this.masterPort = masterPort;
        this.rank = rank;
        this.worldSize = worldSize;
        this.localRank = localRank;
        this.localWorldSize = localWorldSize;
        this.timeout = timeout;
        this.joinTimeout = joinTimeout;
    }

    /** Rank {@code rank} of {@code worldSize} processes meeting at {@code masterAddr:masterPort}; one process per machine. */
    public static Rendezvous of(String masterAddr, int masterPort, int rank, int worldSize) {
        Check.present("Rendezvous", "masterAddr", masterAddr);
        if (masterAddr.isBlank()) throw new IllegalArgumentException("Rendezvous masterAddr must not be blank");
        Check.between("Rendezvous", "masterPort", masterPort, 1, 65535);
        Check.atLeast("Rendezvous", "worldSize", worldSize, 1);
        Check.between("Rendezvous", "rank", rank, 0, worldSize - 1);
        return new Rendezvous(masterAddr, masterPort, rank, worldSize, 0, 1, DEFAULT_TIMEOUT, DEFAULT_JOIN_TIMEOUT);
    }

    /**
     * From torchrun's variables: {@code MASTER_ADDR}, {@code MASTER_PORT}, {@code RANK}, {@code WORLD_SIZE}, and
     * optionally {@code LOCAL_RANK}, {@code LOCAL_WORLD_SIZE}, {@value #TIMEOUT_VARIABLE} and
     * {@value #JOIN_TIMEOUT_VARIABLE} (seconds). A missing or malformed variable is an error that names it.
     */
    public static Rendezvous fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** True when this process was started for a distributed run ({@code WORLD_SIZE} is set), e.g. by {@code torch4j launch}. */
    public static boolean inEnvironment() {
        return System.getenv("WORLD_SIZE") != null;
    }

    static Rendezvous fromEnvironment(Map<String, String> env) {
        String addr = require(env, "MASTER_ADDR");
        int port = integer(env, "MASTER_PORT", null, 1, 65535);
        int world = integer(env, "WORLD_SIZE", null, 1, Integer.MAX_VALUE);
        int rank = integer(env, "RANK", null, 0, world - 1);
        int localWorld = integer(env, "LOCAL_WORLD_SIZE", 1, 1, world);
        int localRank = integer(env, "LOCAL_RANK", 0, 0, localWorld - 1);
        Duration timeout = Duration.ofSeconds(integer(env, TIMEOUT_VARIABLE, (int) DEFAULT_TIMEOUT.toSeconds(), 1, Integer.MAX_VALUE));
        Duration join = Duration.ofSeconds(integer(env, JOIN_TIMEOUT_VARIABLE, (int) DEFAULT_JOIN_TIMEOUT.toSeconds(), 1, Integer.MAX_VALUE));
        return new Rendezvous(addr, port, rank, world, localRank, localWorld, timeout, join);
    }

    private static String require(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("the distributed environment is incomplete: " + name + " is not set (a distributed run needs "
                    + "MASTER_ADDR, MASTER_PORT, RANK and WORLD_SIZE; `torch4j launch` sets them)");
        }
        return v.strip();
    }

    private static int integer(Map<String, String> env, String name, Integer fallback, int min, int max) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            if (fallback != null) return fallback;
            require(env, name);
        }
        long x;
        try {
            x = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("environment variable " + name + " must be an integer, got '" + v + "'");
        }
        if (x < min || x > max) {
            throw new IllegalStateException("environment variable " + name + " must be in [" + min + ", " + max + "], got " + x);
        }
        return (int) x;
    }

    /** How long a collective operation may wait for the other ranks before failing (default 5 minutes). */
    public Rendezvous timeout(Duration d) {
        positive("timeout", d);
        return new Rendezvous(masterAddr, masterPort, rank, worldSize, localRank, localWorldSize, d, joinTimeout);
    }

    /** How long to wait for every rank to arrive at the start (default 2 minutes). */
    public Rendezvous joinTimeout(Duration d) {
        positive("joinTimeout", d);
        return new Rendezvous(masterAddr, masterPort, rank, worldSize, localRank, localWorldSize, timeout, d);
    }

    /** This process's place on its machine: the {@code localRank}-th of {@code localWorldSize} processes there. */
    public Rendezvous local(int localRank, int localWorldSize) {
        Check.between("Rendezvous", "localWorldSize", localWorldSize, 1, worldSize);
        Check.between("Rendezvous", "localRank", localRank, 0, localWorldSize - 1);
        return new Rendezvous(masterAddr, masterPort, rank, worldSize, localRank, localWorldSize, timeout, joinTimeout);
    }

    private static void positive(String option, Duration d) {
        Check.present("Rendezvous", option, d);
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("Rendezvous " + option + " must be > 0, got " + d);
    }

    public String masterAddr() {
        return masterAddr;
    }

    public int masterPort() {
        return masterPort;
    }

    public int rank() {
        return rank;
    }

    public int worldSize() {
        return worldSize;
    }

    public int localRank() {
        return localRank;
    }

    public int localWorldSize() {
        return localWorldSize;
    }

    public Duration timeout() {
        return timeout;
    }

    public Duration joinTimeout() {
        return joinTimeout;
    }

    /** The master as {@code host:port}. */
    public String master() {
        return (masterAddr.contains(":") ? "[" + masterAddr + "]" : masterAddr) + ":" + masterPort;
    }

    static Optional<String> launcherPid() {
        return Optional.ofNullable(System.getenv(Launcher.PARENT_VARIABLE));
    }

    @Override public String toString() {
        return "rank " + rank + " of " + worldSize + " at " + master();
    }
}
