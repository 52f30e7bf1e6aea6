package dev.torch4j.cli;

import dev.torch4j.data.FashionMnist;
import dev.torch4j.data.MnistData;
import dev.torch4j.data.Pipeline;
import dev.torch4j.data.Transforms;
import dev.torch4j.nn.Layer;
import dev.torch4j.io.SafeTensors;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import dev.torch4j.train.ConfusionMatrix;
import dev.torch4j.viz.FeatureMaps;
import dev.torch4j.viz.Figure;
import dev.torch4j.viz.FilterVisualizer;
import dev.torch4j.viz.Gabor;
import dev.torch4j.viz.GradCam;
import dev.torch4j.viz.Kernels;
import dev.torch4j.viz.Plots;
import dev.torch4j.recipes.SeedModels;
import dev.torch4j.vision.Weights;
import dev.torch4j.vision.Zoo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code explain WHAT}: seed 002's interpretation pictures as PNG files, with the numbers behind each in a
 * {@code .safetensors} file beside it (same name) for plotting elsewhere. Each picture is a subcommand with its options.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "WHAT",
        description = {"Draws one of seed 002's interpretation pictures; the numbers behind it go to FILE.safetensors beside FILE.png.",
                "Models: a zoo or seed model ('models'), with --weights FILE (.pth, .pt, .safetensors; without it the random initial",
                "weights are shown) and --num-classes N for zoo heads. Fashion-MNIST comes from --data DIR, else the sample in the jar.", ""},
        subcommands = {ExplainCommand.KernelsCmd.class, ExplainCommand.GaborCmd.class, ExplainCommand.SamplesCmd.class, ExplainCommand.ConfusionCmd.class,
                ExplainCommand.FeatureMapsCmd.class, ExplainCommand.FiltersCmd.class, ExplainCommand.GradCamCmd.class})
final class ExplainCommand implements Callable<Integer> {
    @ParentCommand Main main;
    @Spec CommandSpec spec;

    @Override public Integer call() {
        Main.err(main).println("torch4j explain: say which picture, e.g. explain grad-cam --model resnet18 --image cat.jpg --out cam.png");
        spec.commandLine().usage(Main.err(main));
        return 2;
    }

    /** --out and --data, taken by every picture. */
    static final class Files {
        @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "The picture; its numbers go to FILE.safetensors.")
        Path out;

        @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST's four IDX files (default: the sample in the jar).")
        Path data;

        Path png() {
            if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) throw new UsageException("explain: --out must name a .png file, got " + out);
            return out;
        }

        MnistData fashion() {
            return data == null ? FashionMnist.sample() : FashionMnist.load(data);
        }
    }

    /** The model to explain. */
    static final class ModelChoice {
        @Option(names = "--model", paramLabel = "NAME", description = "A seed or zoo model (see 'models').")
        String model;

        @Option(names = "--weights", paramLabel = "FILE", description = "Its weights (.pth, .pt, .safetensors); without them the random initial ones.")
        Path weights;

        @Option(names = "--num-classes", paramLabel = "N", defaultValue = "1000", description = "A zoo model's head (default: ${DEFAULT-VALUE}, ImageNet's).")
        int numClasses;
    }

    /** The image fed to the model: a photo, or a Fashion-MNIST test image. */
    static final class InputChoice {
        @Option(names = "--image", paramLabel = "PHOTO", description = "A JPEG or PNG photo, resized to the model's input size.")
        Path image;

        @Option(names = "--index", paramLabel = "N", defaultValue = "0", description = "Else this Fashion-MNIST test image (default: ${DEFAULT-VALUE}).")
        int index;

        @Option(names = "--size", paramLabel = "S", description = "Resize the photo to S x S (default: the model's input size).")
        Integer size;

        @Option(names = "--normalize", paramLabel = "imagenet|half|fmnist|none", description = "Input normalisation (default: imagenet for 3 channels, else none).")
        String normalize;
    }

    abstract static class Picture implements Callable<Integer> {
        @ParentCommand ExplainCommand parent;
        @Spec CommandSpec spec;
        @Mixin Files files;

        PrintStream out() {
            return Main.out(parent == null ? null : parent.main);
        }

        @Override public Integer call() {
            try (Scope s = Scope.open()) {
                draw(out());
            }
            return 0;
        }

        abstract void draw(PrintStream out);
    }

    @Command(name = "kernels", mixinStandardHelpOptions = true, description = "Edge kernels on a Fashion-MNIST test image: image, kernel, filtered.")
    static final class KernelsCmd extends Picture {
        @Option(names = "--index", paramLabel = "N", defaultValue = "0", description = "The test image (default: ${DEFAULT-VALUE}).")
        int index;

        @Override void draw(PrintStream out) {
            kernels(files, index, out);
        }
    }

    @Command(name = "gabor", mixinStandardHelpOptions = true, description = "Seed 002's Gabor filter bank and the response magnitudes.")
    static final class GaborCmd extends Picture {
        @Option(names = "--index", paramLabel = "N,N,...", split = ",", defaultValue = "0,1,2", description = "The test images (default: ${DEFAULT-VALUE}).")
        int[] index;

        @Override void draw(PrintStream out) {
            gabor(files, index, out);
        }
    }

    @Command(name = "samples", mixinStandardHelpOptions = true, description = "Fashion-MNIST test images with their labels (and a model's predictions).")
    static final class SamplesCmd extends Picture {
        @Mixin ModelChoice model;

        @Option(names = "--count", paramLabel = "N", defaultValue = "25", description = "How many (default: ${DEFAULT-VALUE}).")
        int count;

        @Override void draw(PrintStream out) {
            Main.atLeast(spec, "--count", count, 1);
            samples(files, model(model, false, out), count, out);
        }
    }

    @Command(name = "confusion", mixinStandardHelpOptions = true, description = "A model's confusion matrix on the Fashion-MNIST test images.")
    static final class ConfusionCmd extends Picture {
        @Mixin ModelChoice model;

        @Override void draw(PrintStream out) {
            confusion(files, model(model, true, out), out);
        }
    }

    @Command(name = "feature-maps", mixinStandardHelpOptions = true, description = "A layer's activations: all its filters, or one (--filter).")
    static final class FeatureMapsCmd extends Picture {
        @Mixin ModelChoice model;
        @Mixin InputChoice input;

        @Option(names = "--layer", required = true, paramLabel = "L", description = "The layer, by path (e.g. 0, features.3, layer4.-1).")
        String layer;

        @Option(names = "--filter", paramLabel = "F", description = "One filter, shown over the image.")
        Integer filter;

        @Override void draw(PrintStream out) {
            featureMaps(files, model(model, true, out), input, layer, filter, out);
        }
    }

    @Command(name = "filters", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "What filters respond to, by gradient ascent on the input.")
    static final class FiltersCmd extends Picture {
        @Mixin ModelChoice model;

        @Option(names = "--layer", required = true, paramLabel = "L", description = "The layer, by path.")
        String layer;

        @Option(names = "--filters", paramLabel = "RANGES", defaultValue = "0-7", description = "Filter indices and ranges, e.g. 0-7,12.")
        String filters;

        @Option(names = "--size", paramLabel = "S", defaultValue = "56", description = "Starting image size.")
        int size;

        @Option(names = "--upscaling-steps", paramLabel = "N", defaultValue = "12", description = "Times the image is enlarged.")
        int upscalingSteps;

        @Option(names = "--steps", paramLabel = "N", defaultValue = "20", description = "Gradient-ascent steps per size.")
        int steps;

        @Option(names = "--blur", paramLabel = "N", defaultValue = "0", description = "Blur radius after each enlargement (0: none).")
        int blur;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seeds the starting noise.")
        int seed;

        @Override void draw(PrintStream out) {
            Main.atLeast(spec, "--size", size, 1);
            Main.atLeast(spec, "--upscaling-steps", upscalingSteps, 0);
            Main.atLeast(spec, "--steps", steps, 1);
            Main.atLeast(spec, "--blur", blur, 0);
            ExplainCommand.filters(files, model(model, true, out), this, out);
        }
    }

    @Command(name = "grad-cam", mixinStandardHelpOptions = true, description = "A Grad-CAM heatmap over the image (default: for the predicted class).")
    static final class GradCamCmd extends Picture {
        @Mixin ModelChoice model;
        @Mixin InputChoice input;

        @Option(names = "--layer", paramLabel = "L", defaultValue = "layer4.-1", description = "The layer (default: ${DEFAULT-VALUE}, ResNet's last block).")
        String layer;

        @Option(names = "--class", paramLabel = "K", description = "The class to explain (default: the predicted one).")
        Integer cls;

        @Override void draw(PrintStream out) {
            gradCam(files, model(model, true, out), input, layer, cls, out);
        }
    }

    private static Path dataPath(Path png) {
        String n = png.getFileName().toString();
        return png.resolveSibling(n.substring(0, n.length() - 4) + ".safetensors");
    }

    private static void write(Figure fig, Map<String, Tensor> data, Path png, PrintStream out) {
        fig.save(png);
        SafeTensors.write(data, dataPath(png));
        out.println("wrote " + png + " and " + dataPath(png));
    }

    /** Fashion-MNIST test image {@code i} as [28, 28] in [0, 1]. */
    private static Tensor fashionImage(MnistData data, int i) {
        if (i < 0 || i >= data.test().size()) throw new UsageException("explain: --index " + i + " out of range: " + data.test().size() + " test images");
        return data.test().inputs().get(i).reshape(28, 28);
    }

    private static void kernels(Files f, int index, PrintStream out) {
        Path png = f.png();
        MnistData data = f.fashion();
        Tensor image = fashionImage(data, index);
        Map<String, Tensor> d = new LinkedHashMap<>();
        d.put("image", image);
        for (Map.Entry<String, Tensor> k : Kernels.seed002().entrySet()) {
            String key = k.getKey().replace(" filter", "").replace(".", "").replace(' ', '_').toLowerCase(Locale.ROOT);
            d.put(key + ".kernel", k.getValue());
            d.put(key + ".filtered", Kernels.filter(image, k.getValue()));
        }
        write(Kernels.demo(image, Kernels.seed002()).title("Fashion-MNIST test image " + index), d, png, out);
    }

    private static void gabor(Files f, int[] indices, PrintStream out) {
        Path png = f.png();
        MnistData data = f.fashion();
        List<Tensor> images = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Map<String, Tensor> d = new LinkedHashMap<>();
        for (int i : indices) {
            images.add(fashionImage(data, i));
            names.add(FashionMnist.CLASSES.get((int) data.test().targets().get(i).itemLong()));
            d.put("image" + i, images.get(images.size() - 1));
        }
        List<Gabor.Kernel> bank = Gabor.seed002Bank();
        for (int k = 0; k < bank.size(); k++) {
            d.put("kernel" + k + ".real", bank.get(k).realPart());
            for (int j = 0; j < indices.length; j++) d.put("kernel" + k + ".magnitude" + indices[j], Gabor.magnitude(images.get(j), bank.get(k)));
        }
        write(Gabor.bank(bank, images, names), d, png, out);
    }

    /** A model by name with optional weights; its default input shape [1, C, H, W]. */
    private record Loaded(Layer model, long[] inputShape) {}

    private static Loaded model(ModelChoice c, boolean required, PrintStream out) {
        String name = c.model;
        if (name == null) {
            if (required) throw new UsageException("explain: this picture needs --model NAME (see 'models')");
            return null;
        }
        int classes = c.numClasses;
        if (classes < 1) throw new UsageException("explain: --num-classes must be >= 1, got " + classes);
        String weights = c.weights == null ? null : c.weights.toString();
        SeedModels.Entry e = Main.modelEntry(name);
        Layer m = Zoo.has(name) ? Zoo.create(name, classes) : e.create();
        if (weights != null && name.endsWith("-features")) Weights.loadFeatures(m, Path.of(weights)); // torchvision's whole-model file
        else if (weights != null) Weights.load(m, Path.of(weights));
        else out.println("note: no --weights, so " + name + "'s random initial weights are shown");
        return new Loaded(m, e.inputShape());
    }

    /** The model's input [1, C, H, W] and the picture of it [C, H, W] in [0, 1], from --image PHOTO or --index N. */
    private static Tensor[] input(Files f, InputChoice in, long[] shape) {
        Path photo = in.image;
        int c = (int) shape[1], size = in.size == null ? (int) shape[2] : in.size;
        if (size < 1) throw new UsageException("explain: --size must be >= 1, got " + size);
        String norm = in.normalize != null ? in.normalize : c == 3 ? "imagenet" : "none";
        Tensor shown;
        if (photo != null) {
            Pipeline p = c == 1 ? Transforms.compose(Transforms.resize(size, size), Transforms.grayscale(1), Transforms.toTensor())
                    : Transforms.compose(Transforms.resize(size, size), Transforms.toTensor());
            shown = p.load(photo);
        } else {
            Tensor g = fashionImage(f.fashion(), in.index).reshape(1, 28, 28);
            shown = c == 3 ? Tensor.cat(List.of(g, g, g), 0) : g;
        }
        Tensor x = shown;
        switch (norm) {
            case "imagenet": x = normalize(shown, new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225}); break;
            case "half": x = shown.sub(0.5).div(0.5); break;
            case "fmnist": x = shown.sub(0.2860).div(0.3530); break;
            case "none": break;
            default: throw new UsageException("explain: --normalize takes imagenet, half, fmnist or none, got " + norm);
        }
        return new Tensor[] {x.unsqueeze(0), shown};
    }

    private static Tensor normalize(Tensor img, double[] mean, double[] std) {
        if (img.size(0) != 3) return img;
        List<Tensor> ch = new ArrayList<>();
        for (int i = 0; i < 3; i++) ch.add(img.get(i).sub(mean[i]).div(std[i]).unsqueeze(0));
        return Tensor.cat(ch, 0);
    }

    private static void featureMaps(Files f, Loaded m, InputChoice input, String layer, Integer filter, PrintStream out) {
        Path png = f.png();
        Tensor[] in = input(f, input, m.inputShape());
        Tensor maps = FeatureMaps.capture(m.model(), layer, in[0]);
        Map<String, Tensor> d = new LinkedHashMap<>();
        d.put("input", in[1]);
        d.put("activations", maps);
        Figure fig = filter == null ? FeatureMaps.all(maps, 16, "Activations of layer " + layer) : FeatureMaps.one(in[1], maps, filter);
        write(fig, d, png, out);
    }

    private static void filters(Files f, Loaded m, FiltersCmd o, PrintStream out) {
        Path png = f.png();
        String layer = o.layer, range = o.filters;
        FilterVisualizer v = FilterVisualizer.of(m.model()).channels((int) m.inputShape()[1]).size(o.size).upscalingSteps(o.upscalingSteps)
                .steps(o.steps).blur(o.blur).seed(o.seed);
        int[] filters = parseRange(range);
        long t0 = System.nanoTime();
        Map<String, Tensor> d = new LinkedHashMap<>();
        Figure fig = Figure.forCount(filters.length, 8).tileSize(96).title("Layer " + layer);
        for (int i = 0; i < filters.length; i++) {
            FilterVisualizer.Result r = v.visualize(layer, filters[i]);
            fig.put(i, dev.torch4j.viz.Tile.rgb(r.image()).title("filter " + filters[i]));
            d.put("filter" + filters[i], r.image());
            out.printf(Locale.ROOT, "filter %d: mean activation %.4f -> %.4f (%d of %d, %.0f s)%n", filters[i], r.startActivation(), r.endActivation(),
                    i + 1, filters.length, (System.nanoTime() - t0) / 1e9);
        }
        write(fig, d, png, out);
    }

    static int[] parseRange(String spec) {
        List<Integer> l = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] ab = part.trim().split("-");
            try {
                int from = Integer.parseInt(ab[0]), to = ab.length > 1 ? Integer.parseInt(ab[1]) : from;
                for (int i = from; i <= to; i++) l.add(i);
            } catch (NumberFormatException e) {
                throw new UsageException("explain: --filters takes indices and ranges such as 0-7,12, got " + spec);
            }
        }
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void gradCam(Files f, Loaded m, InputChoice input, String layer, Integer cls, PrintStream out) {
        Path png = f.png();
        Tensor[] in = input(f, input, m.inputShape());
        GradCam.Result r = GradCam.compute(m.model(), layer, in[0], cls);
        Tensor probs = r.logits().softmax(1);
        out.printf(Locale.ROOT, "class %d (%s), probability %.4f; heatmap %s at layer %s%n", r.classIndex(), cls == null ? "predicted" : "chosen",
                probs.get(0).get(r.classIndex()).item(), Arrays.toString(r.heatmap().shape()), layer);
        Map<String, Tensor> d = new LinkedHashMap<>();
        d.put("input", in[1]);
        d.put("heatmap", r.heatmap());
        d.put("logits", r.logits());
        Figure fig = Figure.grid(1, 2).tileSize(224)
                .put(0, 0, dev.torch4j.viz.Tile.rgb(in[1]).title("Image"))
                .put(0, 1, dev.torch4j.viz.Tile.picture(GradCam.overlay(in[1], r.heatmap())).title("Grad-CAM, class " + r.classIndex()));
        write(fig, d, png, out);
    }

    private static void samples(Files f, Loaded m, int count, PrintStream out) {
        Path png = f.png();
        MnistData data = f.fashion();
        Tensor images = data.test().inputs().slice(0, 0, Math.min(count, data.test().size()));
        long[] labels = data.test().targets().slice(0, 0, images.size(0)).toLongArray(), predictions = null;
        Map<String, Tensor> d = new LinkedHashMap<>();
        d.put("images", images);
        if (m != null) {
            Tensor logits = predict(m.model(), images);
            predictions = logits.argmax(1).toLongArray();
            d.put("logits", logits);
        }
        write(Plots.samples(images, labels, predictions, FashionMnist.CLASSES, count), d, png, out);
    }

    private static void confusion(Files f, Loaded m, PrintStream out) {
        Path png = f.png();
        MnistData data = f.fashion();
        ConfusionMatrix cm = new ConfusionMatrix(10).addLogits(predict(m.model(), data.test().inputs()), data.test().targets());
        long[][] c = cm.counts();
        long[] flat = Arrays.stream(c).flatMapToLong(Arrays::stream).toArray();
        Map<String, Tensor> d = new LinkedHashMap<>();
        d.put("counts", Tensor.of(flat, 10, 10));
        Figure.savePng(Plots.confusionMatrix(cm, FashionMnist.CLASSES), png);
        SafeTensors.write(d, dataPath(png));
        out.printf(Locale.ROOT, "accuracy %.4f on %d images; wrote %s and %s%n", cm.accuracy(), cm.total(), png, dataPath(png));
    }

    private static Tensor predict(Layer model, Tensor images) {
        model.eval();
        List<Tensor> parts = new ArrayList<>();
        try (Torch.NoGrad g = Torch.noGrad()) {
            for (long i = 0; i < images.size(0); i += 500) {
                try (Scope batch = Scope.open()) { // only the outputs outlive the batch
                    parts.add(batch.keep(model.call(images.slice(0, i, Math.min(images.size(0), i + 500)))));
                }
            }
        }
        return Tensor.cat(parts, 0);
    }
}
