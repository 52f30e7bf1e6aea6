package dev.torch4j.viz;

import dev.torch4j.nn.HookHandle;
import dev.torch4j.nn.ModeScope;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

import java.util.Arrays;

/**
 * What a layer outputs for one image (seed 002's {@code visualize_activations} and {@code visualize_all_filters}):
 * the model runs in evaluation mode without gradients; a forward hook keeps the layer's output.
 */
public final class FeatureMaps {
    private FeatureMaps() {}

    /** The output of {@code layer} (see {@link Layers#find}) for {@code image} [1, C, H, W] or [C, H, W]: [filters, h, w]. */
    public static Tensor capture(Layer model, String layer, Tensor image) {
        Layer target = Layers.find(model, layer);
        Tensor x = (image.dim() == 3 ? image.unsqueeze(0) : image).to(model.device()); // CPU, CUDA or MPS: where the model is
        if (x.dim() != 4 || x.size(0) != 1) throw new IllegalArgumentException("feature maps of one image [1, C, H, W], got " + Arrays.toString(image.shape()));
        Tensor[] seen = new Tensor[1];
        try (ModeScope mode = model.evalScope(); HookHandle h = target.registerForwardHook((m, in, out) -> {
            seen[0] = out.detach();
            return null;
        }); Torch.NoGrad g = Torch.noGrad()) {
            model.call(x);
        }
        Tensor out = seen[0];
        if (out == null) throw new IllegalStateException("layer '" + layer + "' did not run in the model's forward pass");
        if (out.dim() != 4) throw new IllegalArgumentException("layer '" + layer + "' outputs " + Arrays.toString(out.shape()) + ", not feature maps [1, C, H, W]");
        return out.get(0);
    }

    /** The input image next to the activation of filter {@code filter} (viridis), as seed 002 draws them. */
    public static Figure one(Tensor image, Tensor maps, int filter) {
        if (filter < 0 || filter >= maps.size(0)) throw new IllegalArgumentException("filter " + filter + " out of range: the layer has " + maps.size(0));
        return Figure.grid(1, 2).tileSize(160)
                .put(0, 0, imageTile(image).title("Input image"))
                .put(0, 1, Tile.of(maps.get(filter), ColorMap.VIRIDIS).title("Activation of filter " + filter));
    }

    /** Every filter's activation, {@code perRow} to a row (seed 002: 16). */
    public static Figure all(Tensor maps, int perRow, String title) {
        int n = (int) maps.size(0);
        Figure fig = Figure.forCount(n, perRow).tileSize(64).title(title);
        for (int i = 0; i < n; i++) fig.put(i, Tile.of(maps.get(i), ColorMap.VIRIDIS));
        return fig;
    }

    /** An input image tile: RGB or grey [C, H, W] (or [1, C, H, W]) shown as is, clipped to [0, 1]. */
    static Tile imageTile(Tensor image) {
        Tensor x = image.dim() == 4 ? image.get(0) : image;
        return x.size(0) == 3 ? Tile.rgb(x) : Tile.of(x.get(0), ColorMap.GRAY);
    }
}
