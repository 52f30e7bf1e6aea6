package dev.torch4j.vision;

import dev.torch4j.data.Download;
import dev.torch4j.nn.Layer;
import dev.torch4j.io.StateDict;
import dev.torch4j.io.StateDictException;
import dev.torch4j.tensor.Scope;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * torchvision's ImageNet weights for the {@link Zoo} models. {@link #imagenet(String)} finds the file torchvision
 * publishes (e.g. {@code resnet18-f37072fd.pth}) in {@code $TORCH4J_WEIGHTS}, {@code ~/.torch4j/weights} or
 * PyTorch's own cache ({@code $TORCH_HOME/hub/checkpoints}, default {@code ~/.cache/torch/hub/checkpoints}),
 * under its published name or as {@code <model>.pth} / {@code <model>.safetensors}; otherwise downloads it into
 * {@code ~/.torch4j/weights} (SHA-256 checked against the prefix in its name, as torch.hub does) unless
 * {@code -Dtorch4j.offline=true} (from {@code -Dtorch4j.weights.url} when set, a mirror); failing that, says which file to get and where to put it.
 */
public final class Weights {
    /** Where torchvision publishes its weights; {@code -Dtorch4j.weights.url=...} points at a mirror. */
    public static final String DEFAULT_URL = "https://download.pytorch.org/models/";
    private static final Map<String, String> FILES = new LinkedHashMap<>();

    static {
        FILES.put("vgg11", "vgg11-8a719046.pth");
        FILES.put("vgg11_bn", "vgg11_bn-6002323d.pth");
        FILES.put("vgg13", "vgg13-19584684.pth");
        FILES.put("vgg13_bn", "vgg13_bn-abd245e5.pth");
        FILES.put("vgg16", "vgg16-397923af.pth");
        FILES.put("vgg16_bn", "vgg16_bn-6c64b313.pth");
        FILES.put("vgg19", "vgg19-dcbb9e9d.pth");
        FILES.put("vgg19_bn", "vgg19_bn-c79401a0.pth");
        FILES.put("resnet18", "resnet18-f37072fd.pth");
        FILES.put("resnet34", "resnet34-b627a593.pth");
        FILES.put("resnet50", "resnet50-0676ba61.pth");
        FILES.put("resnet101", "resnet101-63fe2227.pth");
    }

    private Weights() {}

    /** torchvision's file name for {@code model}'s ImageNet weights (IMAGENET1K_V1). */
    public static String fileName(String model) {
        String f = FILES.get(model);
        if (f == null) throw new IllegalArgumentException("no ImageNet weights known for '" + model + "'; known: " + String.join(", ", FILES.keySet()));
        return f;
    }

    public static String url(String model) {
        String base = System.getProperty("torch4j.weights.url", DEFAULT_URL);
        return (base.endsWith("/") ? base : base + "/") + fileName(model);
    }

    /** The directories searched, in order. */
    public static List<Path> places() {
        List<Path> places = new ArrayList<>();
        String env = System.getenv("TORCH4J_WEIGHTS");
        if (env != null && !env.isBlank()) places.add(Path.of(env));
        String home = System.getProperty("user.home");
        places.add(Path.of(home, ".torch4j", "weights"));
        String torchHome = System.getenv("TORCH_HOME");
        places.add(torchHome != null && !torchHome.isBlank() ? Path.of(torchHome, "hub", "checkpoints")
                : Path.of(home, ".cache", "torch", "hub", "checkpoints"));
        return places;
    }

    /** The local file of {@code model}'s ImageNet weights, downloaded first if needed and allowed. */
    public static Path imagenet(String model) {
        String file = fileName(model);
        List<Path> places = places();
        for (Path dir : places) {
            for (String name : List.of(file, model + ".pth", model + ".safetensors")) {
                if (Files.isRegularFile(dir.resolve(name))) return dir.resolve(name);
            }
        }
        Path target = Path.of(System.getProperty("user.home"), ".torch4j", "weights", file);
        String why;
        if (Boolean.getBoolean("torch4j.offline")) {
            why = "downloading is off (torch4j.offline=true)";
        } else {
            try {
                String sha = file.substring(file.lastIndexOf('-') + 1, file.length() - ".pth".length());
                Download.fetch(url(model), target, "SHA-256", sha);
                return target;
            } catch (IOException | RuntimeException e) {
                why = "the download failed (" + e.getMessage() + ")";
            }
        }
        StringBuilder msg = new StringBuilder("ImageNet weights for " + model + " not found; looked for " + file + " (or "
                + model + ".pth, " + model + ".safetensors) in:");
        if (System.getenv("TORCH4J_WEIGHTS") == null) msg.append("\n  $TORCH4J_WEIGHTS (not set)");
        for (Path p : places) msg.append("\n  ").append(p);
        msg.append("\nand ").append(why).append(".\nGet ").append(url(model)).append(" and put it in ").append(target.getParent())
                .append(" (or pass its path, e.g. --weights FILE).");
        throw new IllegalStateException(msg.toString());
    }

    /**
     * Loads a state dict file (.pth, .pt or .safetensors) into {@code model}, strictly: every key must match in
     * name and shape, and nothing is changed when one does not. Returns the model.
     */
    public static <M extends Layer> M load(M model, Path file) {
        try (Scope s = Scope.open()) {
            return load(model, StateDict.load(file), file);
        }
    }

    /**
     * A VGG's convolutional part ({@code .features}) with the weights of {@code file}: torchvision's whole-model file
     * (keys {@code features.N...}, the classifier is dropped) or one of the features alone (keys {@code N...}).
     * {@code config} is one of {@link Vgg#VGG16} etc.
     */
    public static dev.torch4j.nn.Sequential vggFeatures(String config, boolean batchNorm, Path file) {
        return loadFeatures(Vgg.features(config, batchNorm), file);
    }

    /** Loads into a VGG's {@code features} from a whole-model file (its {@code features.} keys) or a features-only one. */
    public static <M extends Layer> M loadFeatures(M features, Path file) {
        try (Scope s = Scope.open()) {
            StateDict sd = StateDict.load(file);
            if (!sd.containsKey("features.0.weight")) return load(features, sd, file);
            StateDict inner = new StateDict();
            sd.forEach((k, v) -> {
                if (k.startsWith("features.")) inner.put(k.substring("features.".length()), v);
            });
            return load(features, inner, file);
        }
    }

    /** Loads {@code state}, read from {@code file}, into {@code model} strictly; errors name the file. Returns the model. */
    public static <M extends Layer> M load(M model, StateDict state, Path file) {
        try {
            model.loadStateDict(state, true);
        } catch (StateDictException e) {
            throw new StateDictException(file + " does not fit " + model.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        return model;
    }
}
