package dev.torch4j.cli;

import dev.torch4j.nn.Layer;
import dev.torch4j.nn.ModelException;
import dev.torch4j.nn.Summary;
import dev.torch4j.shim.Shim;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Torch;
import dev.torch4j.recipes.SeedModels;
import dev.torch4j.vision.Zoo;
import org.bytedeco.javacpp.Loader;

import java.io.PrintStream;
import java.util.Locale;

/** The {@code torch4j} command line: {@code java -jar target/torch4j.jar COMMAND [options]}. */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: java -jar torch4j.jar COMMAND [options]",
            "",
            "commands:",
            "  train --recipe NAME [--data DIR] [--epochs N] [--batch-size N] [--device auto|cpu|cuda|mps]",
            "        [--threads N] [--seed N] [--weights FILE] [--out DIR]",
            "                                        train a seed recipe (embedded Fashion-MNIST sample by default)",
            "  recipes                               the recipe names with a line each",
            "  version                               torch4j and libtorch versions, devices, threads",
            "  models                                the model names known to summary, bench and predict",
            "  summary --model NAME [--input 1,1,28,28]",
            "                                        torchinfo-style table of a model",
            "  bench --model NAME [--batch 100] [--steps 300] [--threads 2]",
            "                                        median time of one training step on synthetic data",
            "  predict --model NAME --weights FILE --input X.safetensors --output Y.safetensors [--num-classes N]",
            "                                        run a model in evaluation mode on a stored tensor",
            "  explain kernels|gabor|samples|confusion|feature-maps|filters|grad-cam [options] --out FILE.png",
            "                                        seed 002's interpretation pictures (and their numbers)",
            "  launch --nproc-per-node N [--nnodes M --node-rank K --master-addr HOST --master-port PORT] -- COMMAND ...",
            "                                        data-parallel run: N workers of COMMAND (e.g. train --recipe s3-lenet)",
            "",
            "Run a command with --help for its options.");

    private Main() {}

    public static void main(String[] args) {
        // torch4j frees native memory with scopes, not through the GC. JavaCPP's default limit on the process's physical
        // memory (a multiple of -Xmx) counts libtorch's code and data too and refused small heaps with room to spare;
        // without it the OS's limits apply. Set the property to keep a limit (see docs/memory.md).
        if (System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null) System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
        // library log lines (System.Logger, routed to java.util.logging here) on one line each, not Java's two-line default
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "torch4j %4$s: %5$s%6$s%n");
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the process exit code (0 ok, 2 usage error, 1 failure). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String command = args[0];
        try {
            if (command.equals("explain")) { // explain WHAT [options]
                boolean what = args.length > 1 && !args[1].startsWith("-");
                return ExplainCommand.run(new Args(command + (what ? " " + args[1] : ""), args, what ? 2 : 1), what ? args[1] : null, out);
            }
            if (command.equals("launch")) return LaunchCommand.run(args, out, err);
            Args a = new Args(command, args, 1);
            switch (command) {
                case "train": return inGroup(out, o -> TrainCommand.run(a, o));
                case "recipes": return TrainCommand.list(a, out);
                case "version": return version(a, out);
                case "models": return models(a, out);
                case "summary": return summary(a, out);
                case "bench": return bench(a, out);
                case "predict": return PredictCommand.run(a, out);
                default: throw new UsageException("unknown command '" + command + "'");
            }
        } catch (UsageException e) {
            err.println("torch4j: " + e.getMessage());
            err.println("Run 'java -jar torch4j.jar --help' for usage.");
            return 2;
        } catch (ModelException | IllegalArgumentException | IllegalStateException | dev.torch4j.io.StateDictException
                 | java.io.UncheckedIOException | dev.torch4j.distributed.DistributedException e) {
            err.println("torch4j " + command + ": " + e.getMessage());
            return 1;
        } catch (OutOfMemoryError e) {
            err.println("torch4j " + command + ": out of memory: " + e.getMessage() + "\n" + memoryAdvice(e));
            return 1;
        }
    }

    /**
     * Runs a training command; started by {@code launch} (torchrun's variables set), as one rank of a data-parallel run,
     * whose ranks other than 0 print nothing to stdout (errors still go to stderr).
     */
    private static int inGroup(PrintStream out, java.util.function.Function<PrintStream, Integer> command) {
        if (!dev.torch4j.distributed.Rendezvous.inEnvironment()) return command.apply(out);
        try (dev.torch4j.distributed.ProcessGroup g = dev.torch4j.distributed.ProcessGroup.init()) {
            return command.apply(g.isMain() ? out : new PrintStream(java.io.OutputStream.nullOutputStream()));
        }
    }

    /** Which setting to raise for an OutOfMemoryError (docs/memory.md has them all). */
    static String memoryAdvice(OutOfMemoryError e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("maxPhysicalBytes")) {
            return "  JavaCPP's limit on the process's memory was reached: raise -Dorg.bytedeco.javacpp.maxPhysicalBytes=SIZE (0: no limit)";
        }
        if (m.contains("maxBytes")) return "  JavaCPP's limit on native buffers was reached: raise -Dorg.bytedeco.javacpp.maxBytes=SIZE";
        if (m.contains("Java heap") || m.contains("GC overhead")) {
            return "  the Java heap is full: raise -Xmx (e.g. java -Xmx512m -jar torch4j.jar ...); tensors live outside it";
        }
        return "  the process ran out of memory: lower --batch-size, or give it more memory (docs/memory.md)";
    }

    private static int version(Args a, PrintStream out) {
        if (a.help()) {
            out.println("usage: version\nPrints torch4j's and libtorch's versions, the devices available and the thread count.");
            return 0;
        }
        a.rejectUnknown();
        Torch.init();
        out.println("torch4j " + Torch.version());
        out.println("libtorch " + Torch.LIBTORCH_VERSION + " (JavaCPP presets, " + Torch.libtorchBuild() + " build, platform " + Loader.getPlatform() + ")");
        out.println("native shim " + Shim.version() + (Shim.available() ? " (" + Shim.loadedFrom() + ")" : ""));
        out.println("devices: cpu" + (Device.cudaAvailable() ? ", cuda x" + Device.cudaDeviceCount() : "")
                + (Device.mpsAvailable() ? ", mps" : "") + " (auto: " + Device.auto() + ")");
        String fallback = gpuFallback(Torch.libtorchBuild(), Device.cudaAvailable());
        if (fallback != null) out.println(fallback);
        out.println("threads: " + Torch.threads() + " (libtorch intra-op), BLAS " + Torch.blasThreads());
        int tuning = Torch.allocatorTuning();
        out.println("allocator: " + (tuning == 1 ? "glibc tuned (mmap threshold 32 MiB, trim threshold 1 GiB)"
                : tuning == 0 ? "default (not glibc)" : "default (tuning off or shim missing)"));
        return 0;
    }

    /** What to say when the CUDA build of libtorch loaded but found no GPU (the presets then run on the CPU). */
    static String gpuFallback(String build, boolean cudaAvailable) {
        if (!build.equals("gpu") || cudaAvailable) return null;
        return "warning: the CUDA build of libtorch is loaded but no CUDA device is usable (no NVIDIA GPU, or its driver"
                + " is missing or too old): everything runs on the CPU";
    }

    private static int models(Args a, PrintStream out) {
        if (a.help()) {
            out.println("usage: models\nLists the model names that summary and bench accept.");
            return 0;
        }
        a.rejectUnknown();
        for (SeedModels.Entry e : SeedModels.all()) out.printf(Locale.ROOT, "%-16s %s%n", e.name(), e.description());
        for (String n : Zoo.names()) out.printf(Locale.ROOT, "%-16s %s%n", n, modelEntry(n).description());
        return 0;
    }

    /** A seed model or a zoo model (ImageNet head, 224 px input) by name; the error lists both. */
    static SeedModels.Entry modelEntry(String name) {
        if (Zoo.has(name)) {
            String what = name.endsWith("-features") ? "torchvision " + name.replace("-features", "") + "'s convolutional part (.features)"
                    : "torchvision " + name + ", ImageNet head (1000 classes)";
            return new SeedModels.Entry(name, () -> Zoo.create(name, Zoo.IMAGENET_CLASSES), new long[] {1, 3, 224, 224}, what);
        }
        try {
            return SeedModels.get(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; zoo: " + String.join(", ", Zoo.names()), e);
        }
    }

    private static int summary(Args a, PrintStream out) {
        if (a.help()) {
            out.println("usage: summary --model NAME [--input N,C,H,W]\nPrints a torchinfo-style table. Models: see 'models'.");
            return 0;
        }
        SeedModels.Entry e = modelEntry(a.require("model"));
        long[] input = a.getShape("input", e.inputShape());
        a.rejectUnknown();
        try (Layer m = e.create()) {
            out.println(Summary.of(m, input));
        }
        return 0;
    }

    private static int bench(Args a, PrintStream out) {
        if (a.help()) {
            out.println("usage: bench --model NAME [--batch 100] [--steps 300] [--threads 2] [--warmup 20]\n"
                    + "Median time of one training step (forward, cross-entropy, backward, SGD step) on synthetic data, CPU.");
            return 0;
        }
        SeedModels.Entry e = modelEntry(a.require("model"));
        int batch = a.getInt("batch", 100), steps = a.getInt("steps", 300), threads = a.getInt("threads", 2);
        int warmup = a.getInt("warmup", 20);
        a.rejectUnknown();
        Torch.setThreads(threads);
        try (Layer m = e.create()) {
            double[] times = Bench.run(m, e.inputShape(), batch, steps, warmup, 0.01);
            out.printf(Locale.ROOT, "%s batch %d threads %d torch4j %s (libtorch %s): median %.3f ms/step%n",
                    e.name(), batch, Torch.threads(), Torch.version(), Torch.LIBTORCH_VERSION, Bench.median(times));
        }
        return 0;
    }
}
