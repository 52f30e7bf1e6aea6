package dev.torch4j.cli;

import dev.torch4j.nn.Layer;
import dev.torch4j.nn.Summary;
import dev.torch4j.recipes.SeedModels;
import dev.torch4j.shim.Shim;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Torch;
import dev.torch4j.vision.Zoo;
import org.bytedeco.javacpp.Loader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The {@code torch4j} command line: {@code java -jar target/torch4j.jar COMMAND [options]}, on picocli. Exit codes:
 * 0 done, 1 the work failed (the message says why), 2 the command line is wrong (the message names the option and
 * the value). No Java stack trace for a user's mistake; {@code --debug} shows one.
 */
@Command(name = "torch4j", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class, sortOptions = false,
        description = "Define, train, fine-tune and interpret CNNs on libtorch. Run a command with --help for its options.",
        subcommands = {TrainCommand.class, Main.Recipes.class, LaunchCommand.class, Main.Summarize.class, Main.BenchCommand.class,
                PredictCommand.class, ExplainCommand.class, Main.Models.class, Main.Version.class, Main.Completion.class})
public final class Main implements Callable<Integer> {
    PrintStream out = System.out, err = System.err;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print the Java stack trace of a failure.")
    boolean debug;

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

    /** Runs one command line; returns the process exit code (0 ok, 1 failure, 2 usage error). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Main main = new Main();
        main.out = out;
        main.err = err;
        CommandLine cli = commandLine(main);
        if (args.length == 0) {
            cli.usage(err);
            return 2;
        }
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("torch4j " + (args[0].startsWith("-") ? "" : args[0]) + ": out of memory: " + e.getMessage() + "\n" + memoryAdvice(e));
            return 1;
        }
    }

    /** The command tree with torch4j's error reporting, writing to {@code main}'s streams. */
    static CommandLine commandLine(Main main) {
        CommandLine cli = new CommandLine(main);
        cli.setOut(new PrintWriter(main.out, true));
        cli.setErr(new PrintWriter(main.err, true));
        cli.getSubcommands().get("launch").setStopAtPositional(true); // the worker's command line is not launch's
        cli.setParameterExceptionHandler((e, args) -> {
            String where = commandName(e.getCommandLine());
            main.err.println("torch4j " + where + ": " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, main.err);
            main.err.println("Run 'java -jar torch4j.jar " + (where.isEmpty() ? "" : where + " ") + "--help' for usage.");
            return CommandLine.ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> main.failed(commandName(command), e));
        return cli;
    }

    /** "train", "explain grad-cam": the command's path below torch4j. */
    static String commandName(CommandLine c) {
        String q = c.getCommandSpec().qualifiedName(" ");
        return q.startsWith("torch4j") ? q.substring("torch4j".length()).strip() : q;
    }

    /** One line for a failure: 2 for a command line that cannot work, 1 for work that failed. */
    int failed(String command, Exception e) {
        if (debug) e.printStackTrace(err);
        String prefix = "torch4j " + command + ": ";
        String message = String.valueOf(e.getMessage());
        if (message.startsWith(command + ": ")) message = message.substring(command.length() + 2); // said once, in the prefix
        if (e instanceof CommandLine.ParameterException) { // a value the option's type takes but the command cannot use
            err.println(prefix + message);
            err.println("Run 'java -jar torch4j.jar " + command + " --help' for usage.");
            return CommandLine.ExitCode.USAGE;
        }
        if (e instanceof UsageException) {
            err.println(prefix + message);
            err.println("Run 'java -jar torch4j.jar " + command + " --help' for usage.");
            return CommandLine.ExitCode.USAGE;
        }
        // torch4j's own exceptions (ImageException, StateDictException, TorchException, ...) and the JDK's for bad values
        // carry messages written for the user
        if (e.getClass().getName().startsWith("dev.torch4j.") || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof java.io.UncheckedIOException) {
            err.println(prefix + message);
        } else {
            err.println(prefix + "unexpected " + e.getClass().getSimpleName() + ": " + message + (debug ? "" : " (--debug shows where)"));
        }
        return CommandLine.ExitCode.SOFTWARE;
    }

    @Override public Integer call() {
        CommandLine.usage(this, out);
        return 0;
    }

    static PrintStream out(Main main) {
        return main == null ? System.out : main.out;
    }

    static PrintStream err(Main main) {
        return main == null ? System.err : main.err;
    }

    /** The error thrown out of a command for an option value its type accepts but the command cannot use. */
    static CommandLine.ParameterException badValue(CommandLine.Model.CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** {@code value} when {@code >= min}, else a usage error naming the option. */
    static int atLeast(CommandLine.Model.CommandSpec spec, String option, int value, int min) {
        if (value < min) throw badValue(spec, option + " must be >= " + min + ", got " + value);
        return value;
    }

    /**
     * The intra-op threads to use: at least 1; more than the machine's cores only slows training down (500 threads on 2
     * cores made an epoch 200 times slower), so it is capped at the core count with a warning.
     */
    static int threads(CommandLine.Model.CommandSpec spec, Integer requested, PrintStream err) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (requested == null) return Torch.threads();
        atLeast(spec, "--threads", requested, 1);
        if (requested > cores) {
            err.println("torch4j " + commandName(spec.commandLine()) + ": warning: --threads " + requested + " is more than the " + cores
                    + " cores here; using " + cores);
            return cores;
        }
        return requested;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            return new String[] {"torch4j " + Torch.version() + " (libtorch " + Torch.LIBTORCH_VERSION + ")"};
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

    /** What to say when the CUDA build of libtorch loaded but found no GPU (the presets then run on the CPU). */
    static String gpuFallback(String build, boolean cudaAvailable) {
        if (!build.equals("gpu") || cudaAvailable) return null;
        return "warning: the CUDA build of libtorch is loaded but no CUDA device is usable (no NVIDIA GPU, or its driver"
                + " is missing or too old): everything runs on the CPU";
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

    @Command(name = "version", mixinStandardHelpOptions = true, description = "torch4j's and libtorch's versions, the devices and the thread count.")
    static final class Version implements Callable<Integer> {
        @ParentCommand Main main;

        @Override public Integer call() {
            PrintStream out = out(main);
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
            out.println("allocator: " + (tuning == 1 ? "glibc tuned (mmap threshold 32 MiB, trim threshold 1 GiB, top pad 64 MiB)"
                    : tuning == 0 ? "default (not glibc)" : "default (tuning off or shim missing)"));
            return 0;
        }
    }

    @Command(name = "models", mixinStandardHelpOptions = true, description = "The model names that summary, bench, predict and explain accept.")
    static final class Models implements Callable<Integer> {
        @ParentCommand Main main;

        @Override public Integer call() {
            for (SeedModels.Entry e : SeedModels.all()) out(main).printf(Locale.ROOT, "%-16s %s%n", e.name(), e.description());
            for (String n : Zoo.names()) out(main).printf(Locale.ROOT, "%-16s %s%n", n, modelEntry(n).description());
            return 0;
        }
    }

    @Command(name = "recipes", mixinStandardHelpOptions = true, description = "The training recipes of the seed tutorials, a line each.")
    static final class Recipes implements Callable<Integer> {
        @ParentCommand Main main;

        @Override public Integer call() {
            TrainCommand.list(out(main));
            return 0;
        }
    }

    @Command(name = "summary", mixinStandardHelpOptions = true, description = "A torchinfo-style table of a model.")
    static final class Summarize implements Callable<Integer> {
        @ParentCommand Main main;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "NAME", description = "A seed or zoo model (see 'models').")
        String model;

        @Option(names = "--input", paramLabel = "N,C,H,W", split = ",", description = "Input shape (default: the model's own, e.g. 1,1,28,28).")
        long[] input;

        @Override public Integer call() {
            SeedModels.Entry e = modelEntry(model);
            long[] shape = input == null ? e.inputShape() : input;
            for (long d : shape) if (d < 1) throw badValue(spec, "--input must be positive sizes separated by commas (e.g. 1,1,28,28), got " + java.util.Arrays.toString(shape));
            try (Layer m = e.create()) {
                out(main).println(Summary.of(m, shape));
            }
            return 0;
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Median time of one training step (forward, cross-entropy, backward, SGD step) on synthetic data, CPU.")
    static final class BenchCommand implements Callable<Integer> {
        @ParentCommand Main main;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", paramLabel = "NAME", description = "A seed or zoo model (see 'models'); required unless --roofline.")
        String model;

        @Option(names = "--roofline", description = {"Instead: every seed conv model's step (and ResNet18/VGG16 at 224x224) as GFLOP/s beside",
                "the machine's convolution peak, in both layouts (a few minutes)."})
        boolean roofline;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "100", description = "Images per step.")
        int batchSize;

        @Option(names = "--steps", paramLabel = "N", defaultValue = "300", description = "Steps timed.")
        int steps;

        @Option(names = "--warmup", paramLabel = "N", defaultValue = "20", description = "Steps run before timing (0: none).")
        int warmup;

        @Option(names = "--threads", paramLabel = "N", description = "libtorch intra-op threads (default: libtorch's, the core count).")
        Integer threads;

        @Option(names = "--memory-format", paramLabel = "contiguous|channels-last", defaultValue = "contiguous",
                description = "How convolution weights are laid out.")
        String memoryFormat;

        @Option(names = "--image-size", paramLabel = "PIXELS", description = "Square input images of this side instead of the model's own size"
                + " (models that pool globally, e.g. s2-cat, resnet18).")
        Integer imageSize;

        @Override public Integer call() {
            if (roofline) {
                if (model != null) throw badValue(spec, "--roofline measures its own list of models; leave out --model");
                Torch.setThreads(Main.threads(spec, threads, err(main)));
                Roofline.print(out(main), Roofline.ROWS);
                return 0;
            }
            if (model == null) throw badValue(spec, "bench needs --model NAME (or --roofline)");
            atLeast(spec, "--batch-size", batchSize, 1);
            dev.torch4j.tensor.MemoryFormat format;
            try {
                format = dev.torch4j.tensor.MemoryFormat.parse(memoryFormat);
            } catch (IllegalArgumentException e) {
                throw badValue(spec, "--memory-format must be contiguous or channels-last, got '" + memoryFormat + "'");
            }
            atLeast(spec, "--steps", steps, 1);
            atLeast(spec, "--warmup", warmup, 0);
            SeedModels.Entry e = modelEntry(model);
            long[] shape = e.inputShape().clone();
            if (imageSize != null) {
                atLeast(spec, "--image-size", imageSize, 8);
                shape[shape.length - 2] = imageSize;
                shape[shape.length - 1] = imageSize;
            }
            Torch.setThreads(Main.threads(spec, threads, err(main)));
            try (Layer m = e.create()) {
                m.to(format);
                double[] times;
                try {
                    times = Bench.run(m, shape, batchSize, steps, warmup, 0.01);
                } catch (dev.torch4j.tensor.TorchException ex) {
                    if (imageSize == null) throw ex;
                    throw new IllegalArgumentException("model " + e.name() + " does not take " + imageSize + "x" + imageSize
                            + " images (its own are " + e.inputShape()[2] + "x" + e.inputShape()[3] + "): " + ex.getMessage(), ex);
                }
                out(main).printf(Locale.ROOT, "%s batch %d%s threads %d %s torch4j %s (libtorch %s): median %.3f ms/step%n",
                        e.name(), batchSize, imageSize == null ? "" : " image " + imageSize, Torch.threads(), format, Torch.version(),
                        Torch.LIBTORCH_VERSION, Bench.median(times));
            }
            return 0;
        }
    }

    @Command(name = "completion", mixinStandardHelpOptions = true,
            description = {"Prints a bash completion script for torch4j (zsh: autoload bashcompinit first).",
                    "Install: java -jar torch4j.jar completion bash > torch4j.bash; source torch4j.bash",
                    "(completes 'torch4j ...' where torch4j runs java -jar torch4j.jar)."})
    static final class Completion implements Callable<Integer> {
        @ParentCommand Main main;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @CommandLine.Parameters(paramLabel = "SHELL", description = "bash (the only one)")
        String shell;

        @Override public Integer call() {
            if (!shell.equals("bash")) throw badValue(spec, "completion: SHELL must be bash, got '" + shell + "'");
            out(main).print(picocli.AutoComplete.bash("torch4j", spec.root().commandLine()));
            return 0;
        }
    }
}
