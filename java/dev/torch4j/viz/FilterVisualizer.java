package dev.torch4j.viz;

import dev.torch4j.nn.F;
import dev.torch4j.nn.HookHandle;
import dev.torch4j.nn.ModeScope;
import dev.torch4j.nn.Layer;
import dev.torch4j.optim.Adam;
import dev.torch4j.optim.Optimizer;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * What a filter responds to, found by gradient ascent on the input (seed 002's FilterVisualizer): start from a
 * random pale image, let Adam change its pixels to raise the filter's mean activation, and, for deep layers,
 * repeat at growing sizes (upscaled bicubically by {@code factor}, optionally box-blurred) so larger patterns form.
 * Seed 002's settings are the defaults: 56 px, 12 upscaling steps of x1.2, 20 Adam steps at lr 0.1 each.
 * The start image is drawn after {@code Torch.manualSeed(seed)}, which reseeds the global generator.
 */
public final class FilterVisualizer {
    /** The final image [channels, H, W] in [0, 1] and the filter's mean activation before the first and after the last step. */
    public record Result(Tensor image, double startActivation, double endActivation) {}

    private final Layer model;
    private int size = 56, upscalingSteps = 12, steps = 20, blur = 0, channels = 3;
    private double factor = 1.2, lr = 0.1;
    private long seed = 0;

    private FilterVisualizer(Layer model) {
        this.model = model;
    }

    public static FilterVisualizer of(Layer model) {
        return new FilterVisualizer(model);
    }

    public FilterVisualizer size(int pixels) { this.size = positive("size", pixels); return this; }
    public FilterVisualizer upscalingSteps(int n) { this.upscalingSteps = positive("upscaling steps", n); return this; }
    public FilterVisualizer factor(double f) { if (!(f >= 1)) throw new IllegalArgumentException("upscaling factor must be >= 1, got " + f); this.factor = f; return this; }
    public FilterVisualizer steps(int n) { this.steps = positive("optimisation steps", n); return this; }
    public FilterVisualizer lr(double rate) { this.lr = rate; return this; }
    /** Box blur of this odd width after each upscaling (0: none). */
    public FilterVisualizer blur(int width) { if (width < 0 || (width > 0 && width % 2 == 0)) throw new IllegalArgumentException("blur width must be 0 or odd, got " + width); this.blur = width; return this; }
    public FilterVisualizer seed(long s) { this.seed = s; return this; }
    /** The input's channels: 3 (colour, default) or 1 for models of grey images. */
    public FilterVisualizer channels(int c) { this.channels = positive("channels", c); return this; }

    private static int positive(String what, int v) {
        if (v <= 0) throw new IllegalArgumentException(what + " must be positive, got " + v);
        return v;
    }

    /** Visualises filter {@code filter} of {@code layer} (see {@link Layers#find}). */
    public Result visualize(String layer, int filter) {
        Layer target = Layers.find(model, layer);
        Tensor[] act = new Tensor[1];
        List<Tensor> trainable = model.trainableParameters();
        for (Tensor p : trainable) p.requiresGrad(false); // only the pixels change
        Torch.manualSeed(seed); // the random start image (this reseeds the global generator)
        double start = Double.NaN, end = Double.NaN;
        Tensor img = Tensor.rand(1, channels, size, size).mul(30).add(150).floor().div(255) // uniform 150..180, as uint8 / 255
                .to(model.device());
        try (ModeScope mode = model.evalScope(); HookHandle h = target.registerForwardHook((m, in, out) -> {
            act[0] = out;
            return null;
        })) {
            int sz = size;
            for (int u = 0; u < upscalingSteps; u++) {
                try (Scope s = Scope.open()) {
                    Tensor pixels = img.clamp(0, 1).mul(255).round().div(255).detach().requiresGrad(true); // the seed's uint8 round trip
                    Optimizer adam = Adam.of(lr).weightDecay(1e-6).on(List.of(pixels));
                    for (int i = 0; i < steps; i++) {
                        adam.zeroGrad();
                        model.call(pixels);
                        checkFilter(layer, filter, act[0]);
                        Tensor mean = act[0].get(0).get(filter).mean();
                        if (u == 0 && i == 0) start = mean.item();
                        mean.neg().backward();
                        adam.step();
                    }
                    try (Torch.NoGrad g = Torch.noGrad()) {
                        model.call(pixels);
                        end = act[0].get(0).get(filter).mean().item();
                        Tensor out = pixels.detach();
                        if (u < upscalingSteps - 1) {
                            sz = (int) (factor * sz);
                            out = F.resizeBicubic(out, sz, sz);
                            if (blur > 0) out = F.avgPool2d(out, new long[] {blur, blur}, new long[] {1, 1}, new long[] {blur / 2, blur / 2}, false, false);
                        }
                        img = s.keep(out);
                    }
                }
            }
        } finally {
            for (Tensor p : trainable) p.requiresGrad(true);
        }
        return new Result(img.get(0).clamp(0, 1), start, end);
    }

    private static void checkFilter(String layer, int filter, Tensor out) {
        if (out == null) throw new IllegalStateException("layer '" + layer + "' did not run in the model's forward pass");
        if (out.dim() != 4) throw new IllegalArgumentException("layer '" + layer + "' outputs " + java.util.Arrays.toString(out.shape()) + ", not feature maps");
        if (filter < 0 || filter >= out.size(1)) throw new IllegalArgumentException("filter " + filter + " out of range: layer '" + layer + "' has " + out.size(1));
    }

    /** Many filters as a grid, at most 8 to a row (seed 002's show_filters). {@code progress} gets each index done. */
    public Figure grid(String layer, int[] filters, IntConsumer progress) {
        Figure fig = Figure.forCount(filters.length, 8).tileSize(96).title("Layer " + layer);
        for (int i = 0; i < filters.length; i++) {
            Result r = visualize(layer, filters[i]);
            fig.put(i, Tile.rgb(r.image()).title("filter " + filters[i]));
            if (progress != null) progress.accept(i);
        }
        return fig;
    }
}
