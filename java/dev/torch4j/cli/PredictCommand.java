package dev.torch4j.cli;

import dev.torch4j.nn.Layer;
import dev.torch4j.io.StateDict;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import dev.torch4j.vision.Weights;
import dev.torch4j.vision.Zoo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** {@code predict}: runs a model in evaluation mode on a stored tensor and stores its output. */
final class PredictCommand {
    static final String USAGE = "usage: predict --model NAME --weights FILE --input X.safetensors --output Y.safetensors\n"
            + "               [--num-classes N] [--device auto|cpu|cuda|mps]\n"
            + "Runs NAME (a zoo or seed model, see 'models') with the weights of FILE (.pth, .pt or .safetensors) in\n"
            + "evaluation mode, without gradients, on the tensor stored under the key \"input\" of X, and writes the output\n"
            + "under the key \"output\" of Y. --num-classes sets a zoo model's head (default 1000, ImageNet's).";

    private PredictCommand() {}

    static int run(Args a, PrintStream out) {
        if (a.help()) {
            out.println(USAGE);
            return 0;
        }
        String name = a.require("model");
        Path weights = Path.of(a.require("weights")), input = Path.of(a.require("input")), output = Path.of(a.require("output"));
        int classes = a.getInt("num-classes", Zoo.IMAGENET_CLASSES);
        Device device = Device.parse(a.get("device", "auto")).requireAvailable();
        a.rejectUnknown();
        if (classes != Zoo.IMAGENET_CLASSES && !Zoo.has(name)) throw new UsageException("predict: --num-classes applies to zoo models; " + name + " has a fixed head");
        if (classes <= 0) throw new UsageException("predict: --num-classes must be positive, got " + classes);
        try (Scope s = Scope.open()) {
            Layer model = Zoo.has(name) ? Zoo.create(name, classes) : Main.modelEntry(name).create();
            if (name.endsWith("-features")) Weights.loadFeatures(model, weights); // torchvision's whole-model file works too
            else Weights.load(model, weights);
            StateDict in = StateDict.load(input);
            Tensor x = in.get("input");
            if (x == null) throw new IllegalArgumentException(input + " has no tensor under the key \"input\" (it has " + in.keySet() + ")");
            model.to(device).eval();
            Tensor y;
            long t0 = System.nanoTime();
            try (Torch.NoGrad g = Torch.noGrad()) {
                y = model.call(x.to(device)).to(Device.cpu());
            }
            dev.torch4j.io.SafeTensors.write(Map.of("output", y), output);
            out.printf(Locale.ROOT, "%s: input %s -> output %s in %.2f s, written to %s%n", name, Arrays.toString(x.shape()),
                    Arrays.toString(y.shape()), (System.nanoTime() - t0) / 1e9, output);
        }
        return 0;
    }
}
