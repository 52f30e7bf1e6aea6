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

/**
 * {@code explain WHAT}: seed 002's interpretation pictures as PNG files, with the numbers behind each in a
 * {@code .safetensors} file beside it (same name) for plotting elsewhere.
 */
final class ExplainCommand {
    static final String USAGE = String.join("\n",
            "usage: explain WHAT [options] --out FILE.png",
            "Draws one of seed 002's interpretation pictures; the numbers behind it go to FILE.safetensors.",
            "  kernels     [--index N]                 edge kernels on Fashion-MNIST test image N: image, kernel, filtered",
            "  gabor       [--index 0,1,2]             seed 002's Gabor filter bank and the response magnitudes",
            "  samples     [--count 25] [--model NAME --weights FILE]   Fashion-MNIST test images with labels (and predictions)",
            "  confusion   --model NAME --weights FILE  the confusion matrix on the Fashion-MNIST test images",
            "  feature-maps --model NAME --layer L (--image PHOTO | --index N) [--filter F]",
            "                                           one filter's activation (--filter) or all of the layer's filters",
            "  filters     --model NAME --layer L [--filters 0-7] [--size 56] [--upscaling-steps 12] [--steps 20] [--blur 0]",
            "                                           what filters respond to, by gradient ascent on the input",
            "  grad-cam    --model NAME (--image PHOTO | --index N) [--layer layer4.-1] [--class K]",
            "                                           Grad-CAM heatmap over the image (default: the predicted class)",
            "Models: a zoo or seed model ('models'), with --weights FILE (.pth, .pt, .safetensors; without it the random",
            "initial weights are shown) and --num-classes N for zoo heads. Photos are resized to the model's input size",
            "(--size S) and normalised with --normalize imagenet|half|fmnist|none (default: imagenet for 3 channels).",
            "Fashion-MNIST comes from --data DIR, else the sample inside the jar.");

    private ExplainCommand() {}

    static int run(Args a, String what, PrintStream out) {
        if (a.help() || what == null) {
            out.println(USAGE);
            return what == null && !a.help() ? 2 : 0;
        }
        try (Scope s = Scope.open()) {
            switch (what) {
                case "kernels": return kernels(a, out);
                case "gabor": return gabor(a, out);
                case "samples": return samples(a, out);
                case "confusion": return confusion(a, out);
                case "feature-maps": return featureMaps(a, out);
                case "filters": return filters(a, out);
                case "grad-cam": return gradCam(a, out);
                default: throw new UsageException("explain: unknown picture '" + what + "'; one of kernels, gabor, samples, confusion, "
                        + "feature-maps, filters, grad-cam");
            }
        }
    }

    private static Path outPath(Args a) {
        Path p = Path.of(a.require("out"));
        if (!p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) throw new UsageException("explain: --out must name a .png file, got " + p);
        return p;
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

    private static MnistData fashion(Args a) {
        String dir = a.get("data", null);
        return dir == null ? FashionMnist.sample() : FashionMnist.load(Path.of(dir));
    }

    /** Fashion-MNIST test image {@code i} as [28, 28] in [0, 1]. */
    private static Tensor fashionImage(MnistData data, int i) {
        if (i < 0 || i >= data.test().size()) throw new UsageException("explain: --index " + i + " out of range: " + data.test().size() + " test images");
        return data.test().inputs().get(i).reshape(28, 28);
    }

    private static int kernels(Args a, PrintStream out) {
        int index = a.getInt("index", 0);
        Path png = outPath(a);
        MnistData data = fashion(a);
        a.rejectUnknown();
        Tensor image = fashionImage(data, index);
        Map<String, Tensor> d = new LinkedHashMap<>();
        d.put("image", image);
        for (Map.Entry<String, Tensor> k : Kernels.seed002().entrySet()) {
            String key = k.getKey().replace(" filter", "").replace(".", "").replace(' ', '_').toLowerCase(Locale.ROOT);
            d.put(key + ".kernel", k.getValue());
            d.put(key + ".filtered", Kernels.filter(image, k.getValue()));
        }
        write(Kernels.demo(image, Kernels.seed002()).title("Fashion-MNIST test image " + index), d, png, out);
        return 0;
    }

    private static int gabor(Args a, PrintStream out) {
        int[] indices = Arrays.stream(a.get("index", "0,1,2").split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
        Path png = outPath(a);
        MnistData data = fashion(a);
        a.rejectUnknown();
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
        return 0;
    }

    /** A model by name with optional weights; its default input shape [1, C, H, W]. */
    private record Loaded(Layer model, long[] inputShape) {}

    private static Loaded model(Args a, boolean required, PrintStream out) {
        String name = required ? a.require("model") : a.get("model", null);
        if (name == null) return null;
        int classes = a.getInt("num-classes", Zoo.IMAGENET_CLASSES);
        SeedModels.Entry e = Main.modelEntry(name);
        Layer m = Zoo.has(name) ? Zoo.create(name, classes) : e.create();
        String weights = a.get("weights", null);
        if (weights != null && name.endsWith("-features")) Weights.loadFeatures(m, Path.of(weights)); // torchvision's whole-model file
        else if (weights != null) Weights.load(m, Path.of(weights));
        else out.println("note: no --weights, so " + name + "'s random initial weights are shown");
        return new Loaded(m, e.inputShape());
    }

    /** The model's input [1, C, H, W] and the picture of it [C, H, W] in [0, 1], from --image PHOTO or --index N. */
    private static Tensor[] input(Args a, long[] shape) {
        String photo = a.get("image", null);
        int c = (int) shape[1], size = a.getInt("size", (int) shape[2]);
        String norm = a.get("normalize", c == 3 ? "imagenet" : "none");
        Tensor shown;
        if (photo != null) {
            Pipeline p = c == 1 ? Transforms.compose(Transforms.resize(size, size), Transforms.grayscale(1), Transforms.toTensor())
                    : Transforms.compose(Transforms.resize(size, size), Transforms.toTensor());
            shown = p.load(Path.of(photo));
        } else {
            int index = a.getInt("index", 0);
            Tensor g = fashionImage(fashion(a), index).reshape(1, 28, 28);
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

    private static int featureMaps(Args a, PrintStream out) {
        Path png = outPath(a);
        Loaded m = model(a, true, out);
        String layer = a.require("layer");
        String filter = a.get("filter", null);
        Tensor[] in = input(a, m.inputShape());
        a.rejectUnknown();
        Tensor maps = FeatureMaps.capture(m.model(), layer, in[0]);
        Map<String, Tensor> d = new LinkedHashMap<>();
        d.put("input", in[1]);
        d.put("activations", maps);
        Figure fig = filter == null ? FeatureMaps.all(maps, 16, "Activations of layer " + layer) : FeatureMaps.one(in[1], maps, Integer.parseInt(filter));
        write(fig, d, png, out);
        return 0;
    }

    private static int filters(Args a, PrintStream out) {
        Path png = outPath(a);
        Loaded m = model(a, true, out);
        String layer = a.require("layer");
        String range = a.get("filters", "0-7");
        FilterVisualizer v = FilterVisualizer.of(m.model()).channels((int) m.inputShape()[1]).size(a.getInt("size", 56)).upscalingSteps(a.getInt("upscaling-steps", 12))
                .steps(a.getInt("steps", 20)).blur(a.getInt("blur", 0)).seed(a.getInt("seed", 0));
        a.rejectUnknown();
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
        return 0;
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

    private static int gradCam(Args a, PrintStream out) {
        Path png = outPath(a);
        Loaded m = model(a, true, out);
        String layer = a.get("layer", "layer4.-1");
        String cls = a.get("class", null);
        Tensor[] in = input(a, m.inputShape());
        a.rejectUnknown();
        GradCam.Result r = GradCam.compute(m.model(), layer, in[0], cls == null ? null : Integer.parseInt(cls));
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
        return 0;
    }

    private static int samples(Args a, PrintStream out) {
        Path png = outPath(a);
        int count = a.getInt("count", 25);
        MnistData data = fashion(a);
        Loaded m = model(a, false, out);
        a.rejectUnknown();
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
        return 0;
    }

    private static int confusion(Args a, PrintStream out) {
        Path png = outPath(a);
        MnistData data = fashion(a);
        Loaded m = model(a, true, out);
        a.rejectUnknown();
        ConfusionMatrix cm = new ConfusionMatrix(10).addLogits(predict(m.model(), data.test().inputs()), data.test().targets());
        long[][] c = cm.counts();
        long[] flat = Arrays.stream(c).flatMapToLong(Arrays::stream).toArray();
        Map<String, Tensor> d = new LinkedHashMap<>();
        d.put("counts", Tensor.of(flat, 10, 10));
        Figure.savePng(Plots.confusionMatrix(cm, FashionMnist.CLASSES), png);
        SafeTensors.write(d, dataPath(png));
        out.printf(Locale.ROOT, "accuracy %.4f on %d images; wrote %s and %s%n", cm.accuracy(), cm.total(), png, dataPath(png));
        return 0;
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
