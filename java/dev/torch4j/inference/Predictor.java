package dev.torch4j.inference;

import dev.torch4j.config.Check;
import dev.torch4j.data.Pipeline;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A model serving predictions, safe to call from many threads at once: {@link #predict(Tensor)} takes one example
 * (no batch dimension) and returns the model's output for it. The model is put in evaluation mode and run without
 * gradients, each call in a scope of its own, so a service never waits for the GC to free native memory.
 *
 * <p>With {@link #batching(int, long)} concurrent requests are gathered into one forward (requests of the same shape
 * that arrive within the window, up to a batch size), as TorchServe and Triton do: more throughput when many
 * clients send single examples, for at most the window in added latency.
 *
 * <pre>{@code
 * try (Predictor p = Predictor.of(model).pipeline(evalTransforms).batching(16, 2)) {
 *     Tensor logits = p.predict(Path.of("cat.jpg"));   // from any number of threads
 * }
 * }</pre>
 *
 * <p>The predictor owns the model's mode while it serves: do not train the model, or change its mode, meanwhile.
 * A result tensor belongs to the calling thread's innermost {@link Scope} (or, without one, to its own
 * {@code close()} and the GC).
 */
public final class Predictor implements AutoCloseable {
    private static final String NAME = "Predictor";
    private final Layer model;
    private Device device;
    private Pipeline pipeline;
    private int maxBatch = 1;
    private long windowMicros;
    private Thread dispatcher;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    private record Request(Tensor input, CompletableFuture<Tensor> result) {}

    private Predictor(Layer model) {
        this.model = Check.present(NAME, "model", model);
        this.device = model.device();
        model.train(false);
    }

    /** Serves {@code model} on the device its weights are on, in evaluation mode. */
    public static Predictor of(Layer model) {
        return new Predictor(model);
    }

    /** Moves the model to {@code d} and runs inputs there (results come back on the CPU). Before the first request. */
    public synchronized Predictor device(Device d) {
        requireIdle("device");
        device = Check.present(NAME, "device", d);
        model.to(d);
        return this;
    }

    /** The image pipeline that {@link #predict(Path)} runs on a file before the model (evaluation transforms). */
    public synchronized Predictor pipeline(Pipeline p) {
        requireIdle("pipeline");
        pipeline = Check.present(NAME, "pipeline", p);
        return this;
    }

    /**
     * Gathers concurrent requests into batches of up to {@code maxBatch}, waiting at most {@code windowMillis} after
     * the first one of a batch for more (1, the default: each request runs alone on its caller's thread).
     */
    public synchronized Predictor batching(int maxBatch, long windowMillis) {
        requireIdle("batching");
        this.maxBatch = Check.atLeast(NAME, "maxBatch", maxBatch, 1);
        this.windowMicros = Math.multiplyExact(Check.atLeast(NAME, "windowMillis", windowMillis, 0L), 1000L);
        return this;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public Device device() {
        return device;
    }

    private void requireIdle(String option) {
        if (dispatcher != null || closed) throw new IllegalStateException("Predictor " + option + " must be set before the first request");
    }

    /** The model's output for one example ([C, H, W] for an image model; no batch dimension), on the CPU. */
    public Tensor predict(Tensor example) {
        if (closed) throw new IllegalStateException("this Predictor is closed");
        Check.present(NAME, "example", example);
        if (maxBatch == 1) return runAlone(example); // same thread: its scope already hands the result to the caller's
        CompletableFuture<Tensor> f = submit(example);
        try {
            return Scope.adopt(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a prediction", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The model's output for an image file, through the {@link #pipeline}. */
    public Tensor predict(Path imageFile) {
        if (pipeline == null) throw new IllegalStateException("Predictor needs a pipeline(...) to read image files such as " + imageFile);
        Tensor image;
        try (Scope s = Scope.open()) {
            image = s.keep(pipeline.load(imageFile));
        }
        return predict(image);
    }

    /**
     * Queues one example and returns at once; the future completes with its output (kept beyond any scope: close it
     * or adopt it with {@link Scope#adopt}). Without batching the forward runs on a background thread too.
     */
    public CompletableFuture<Tensor> submit(Tensor example) {
        if (closed) throw new IllegalStateException("this Predictor is closed");
        Check.present(NAME, "example", example);
        startDispatcher();
        CompletableFuture<Tensor> f = new CompletableFuture<>();
        Tensor mine;
        try (Scope s = Scope.open()) {
            mine = s.keep(example.to(Device.cpu()).contiguous()); // the caller may close its tensor while this waits
        }
        queue.add(new Request(mine, f));
        if (closed) fail(List.of(new Request(mine, f)), new IllegalStateException("this Predictor is closed"));
        return f;
    }

    private synchronized void startDispatcher() {
        if (dispatcher != null) return;
        dispatcher = new Thread(this::dispatch, "torch4j-predictor");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    /** One forward of one example on this thread; the result is kept beyond the scope. */
    private Tensor runAlone(Tensor example) {
        try (Scope s = Scope.open(); Torch.NoGrad g = Torch.noGrad()) {
            Tensor out = model.call(example.to(device).unsqueeze(0)).select(0, 0).to(Device.cpu()).contiguous();
            return s.keep(out);
        }
    }

    private void dispatch() {
        List<Request> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Request first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                long deadline = System.nanoTime() + windowMicros * 1000;
                while (batch.size() < maxBatch) {
                    long wait = deadline - System.nanoTime();
                    Request next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) break;
                    batch.add(next);
                }
                run(batch);
            } catch (InterruptedException e) {
                if (closed) break;
            } catch (RuntimeException | Error e) {
                fail(batch, e);
            } finally {
                batch.clear();
            }
        }
        List<Request> left = new ArrayList<>();
        queue.drainTo(left);
        fail(left, new IllegalStateException("this Predictor is closed"));
    }

    /** Runs the requests in one forward per input shape; when a forward fails, each of its requests alone. */
    private void run(List<Request> batch) {
        Map<String, List<Request>> byShape = new LinkedHashMap<>();
        for (Request r : batch) byShape.computeIfAbsent(Arrays.toString(r.input().shape()), k -> new ArrayList<>()).add(r);
        for (List<Request> same : byShape.values()) {
            if (same.size() == 1) {
                one(same.get(0));
                continue;
            }
            Tensor[] outs = new Tensor[same.size()];
            try (Scope s = Scope.open(); Torch.NoGrad g = Torch.noGrad()) {
                List<Tensor> inputs = new ArrayList<>();
                for (Request r : same) inputs.add(r.input());
                Tensor y = model.call(Tensor.stack(inputs, 0).to(device)).to(Device.cpu());
                for (int i = 0; i < outs.length; i++) outs[i] = s.keep(y.select(0, i).contiguous());
            } catch (RuntimeException e) {
                for (Request r : same) one(r); // so that one bad request fails alone, with its own message
                continue;
            }
            for (int i = 0; i < outs.length; i++) {
                same.get(i).input().close();
                same.get(i).result().complete(outs[i]);
            }
        }
    }

    private void one(Request r) {
        try {
            Tensor out = runAlone(r.input());
            r.input().close();
            r.result().complete(out);
        } catch (RuntimeException | Error e) {
            r.result().completeExceptionally(e);
        }
    }

    private static void fail(List<Request> requests, Throwable why) {
        for (Request r : requests) r.result().completeExceptionally(why);
    }

    /** Stops taking requests; those already queued are answered first. Does not close the model. */
    @Override public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = dispatcher;
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
