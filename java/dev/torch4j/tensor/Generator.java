package dev.torch4j.tensor;

import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A random stream of its own, as PyTorch's {@code torch.Generator}: while it is in use on a thread, everything
 * torch4j draws there (parameter initialisation, Dropout, {@link Tensor#rand}, {@link Tensor#uniform_} ...) comes
 * from it instead of libtorch's global generator, so two computations in two threads do not disturb each other.
 *
 * <pre>{@code
 * Generator g = Generator.seeded(42);
 * Layer model = g.call(() -> new LeNet());   // initial weights from g, whatever other threads draw
 * }</pre>
 *
 * One stream per device, each seeded with the same seed when first used (a CUDA stream when a CUDA tensor draws).
 * Outside {@link #use()} / {@link #call} the global generator is used, seeded by {@link Torch#manualSeed}.
 * A generator is not for sharing between threads that draw at the same time.
 */
public final class Generator {
    private static final ThreadLocal<Generator> CURRENT = new ThreadLocal<>();
    private final long seed;
    private final Map<Device, org.bytedeco.pytorch.Generator> streams = new LinkedHashMap<>();

    private Generator(long seed) {
        this.seed = seed;
    }

    /** A generator whose every stream starts from {@code seed} (as {@code torch.manual_seed(seed)} would). */
    public static Generator seeded(long seed) {
        Torch.init();
        return new Generator(seed);
    }

    /** A generator seeded from the global one: reproducible after {@link Torch#manualSeed}, otherwise new each time. */
    public static Generator fromGlobal() {
        Torch.init();
        try (Scope scope = Scope.open()) {
            return new Generator(Tensor.globalRandomLong());
        }
    }

    public long seed() {
        return seed;
    }

    /** The generator in use on this thread, or null when the global one is. */
    public static Generator current() {
        return CURRENT.get();
    }

    /** Makes this the thread's generator until the returned guard is closed (the previous one comes back then). */
    public Use use() {
        Generator previous = CURRENT.get();
        CURRENT.set(this);
        return () -> {
            if (previous == null) CURRENT.remove();
            else CURRENT.set(previous);
        };
    }

    /** Runs {@code body} with this generator in use on the calling thread. */
    public <T> T call(Supplier<T> body) {
        try (Use u = use()) {
            return body.get();
        }
    }

    /** The guard returned by {@link #use()}. */
    @FunctionalInterface
    public interface Use extends AutoCloseable {
        @Override void close();
    }

    /**
     * The state of every stream drawn from so far, by device name ({@code cpu}, {@code cuda:0}): byte tensors on the
     * CPU that {@link #setState} puts back, so that a resumed run draws the same numbers as an uninterrupted one
     * (the CPU stream is always included; a device stream once it was drawn from).
     */
    public synchronized Map<String, Tensor> state() {
        stream(Device.cpu()); // always there, so that a state is never empty
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<Device, org.bytedeco.pytorch.Generator> e : streams.entrySet()) {
            out.put(e.getKey().toString(), Tensor.op(() -> e.getValue().get_state()));
        }
        return out;
    }

    /** Restores what {@link #state()} returned; streams not named stay as they are. */
    public synchronized void setState(Map<String, Tensor> state) {
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Device d = Device.parse(e.getKey());
            org.bytedeco.pytorch.Generator g = stream(d);
            try {
                g.set_state(e.getValue().handle());
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException("cannot restore the random state of " + d + ": " + TorchException.from(ex).getMessage(), ex);
            }
        }
    }

    /** Checks that {@code state} would be accepted by {@link #setState}, without changing anything. */
    public void checkState(Map<String, Tensor> state) {
        Generator probe = new Generator(seed);
        probe.setState(state);
    }

    private synchronized org.bytedeco.pytorch.Generator stream(Device d) {
        org.bytedeco.pytorch.Generator g = streams.get(d);
        if (g != null) return g;
        g = d.type() == Device.Type.CPU ? torch.make_generator_cpu(seed)
                : torch.globalContext().defaultGenerator(new org.bytedeco.pytorch.Device(d.toString())).clone();
        g.retainReference(); // lives as long as this generator, whatever Scope is open
        if (d.type() != Device.Type.CPU) g.set_current_seed(seed);
        streams.put(d, g);
        return g;
    }

    /** The generator argument for a random op on {@code d}: this thread's stream, or libtorch's default. */
    static GeneratorOptional forDevice(Device d) {
        Generator g = CURRENT.get();
        return g == null ? new GeneratorOptional() : new GeneratorOptional(g.stream(d));
    }
}
