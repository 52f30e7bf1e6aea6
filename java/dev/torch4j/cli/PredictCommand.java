package dev.torch4j.cli;

import dev.torch4j.io.StateDict;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import dev.torch4j.vision.Weights;
import dev.torch4j.vision.Zoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code predict}: runs a model in evaluation mode on a stored tensor and stores its output. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        description = {"Runs NAME (a zoo or seed model, see 'models') with the weights of FILE in evaluation mode, without gradients,",
                "on the tensor stored under the key \"input\" of X, and writes the output under the key \"output\" of Y.", ""})
final class PredictCommand implements Callable<Integer> {
    @ParentCommand Main main;
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "A seed or zoo model (see 'models').")
    String model;

    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "Its weights (.pth, .pt or .safetensors).")
    Path weights;

    @Option(names = "--input", required = true, paramLabel = "X.safetensors", description = "The input tensor, under the key \"input\".")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "Y.safetensors", description = "Where the output goes, under the key \"output\".")
    Path output;

    @Option(names = "--num-classes", paramLabel = "N", defaultValue = "1000", description = "A zoo model's head (ImageNet's by default).")
    int classes;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda|mps", defaultValue = "auto", description = "Where to run.")
    String device;

    @Override public Integer call() {
        Main.atLeast(spec, "--num-classes", classes, 1);
        if (classes != Zoo.IMAGENET_CLASSES && !Zoo.has(model)) throw Main.badValue(spec, "--num-classes applies to zoo models; " + model + " has a fixed head");
        Device where = Device.parse(device).requireAvailable();
        try (Scope s = Scope.open()) {
            Layer m = Zoo.has(model) ? Zoo.create(model, classes) : Main.modelEntry(model).create();
            if (model.endsWith("-features")) Weights.loadFeatures(m, weights); // torchvision's whole-model file works too
            else Weights.load(m, weights);
            StateDict in = StateDict.load(input);
            Tensor x = in.get("input");
            if (x == null) throw new IllegalArgumentException(input + " has no tensor under the key \"input\" (it has " + in.keySet() + ")");
            m.to(where).eval();
            Tensor y;
            long t0 = System.nanoTime();
            try (Torch.NoGrad g = Torch.noGrad()) {
                y = m.call(x.to(where)).to(Device.cpu());
            }
            dev.torch4j.io.SafeTensors.write(Map.of("output", y), output);
            Main.out(main).printf(Locale.ROOT, "%s: input %s -> output %s in %.2f s, written to %s%n", model, Arrays.toString(x.shape()),
                    Arrays.toString(y.shape()), (System.nanoTime() - t0) / 1e9, output);
        }
        return 0;
    }
}
