package dev.torch4j.viz;

import dev.torch4j.nn.F;
import dev.torch4j.nn.HookHandle;
import dev.torch4j.nn.ModeScope;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * Grad-CAM (Selvaraju et al.), as seed 002 computes it: the gradient of the chosen class's score with respect to
 * a layer's output, averaged over each channel, weights that output; the weighted sum over channels, with negative
 * values cut to 0 and divided by its maximum, says which regions raised the score.
 */
public final class GradCam {
    /** The heatmap [h, w] in [0, 1] at the layer's resolution, the class explained and the model's logits [1, classes]. */
    public record Result(Tensor heatmap, int classIndex, Tensor logits) {}

    private GradCam() {}

    /**
     * Explains {@code classIndex} (null: the predicted class) for {@code image} [1, C, H, W] at {@code layer}
     * ({@link Layers#find}; seed 002: {@code layer4.-1}, ResNet's last block). The model runs in evaluation mode;
     * its parameters' gradients are left as they were.
     */
    public static Result compute(Layer model, String layer, Tensor image, Integer classIndex) {
        Layer target = Layers.find(model, layer);
        Tensor x = image.dim() == 3 ? image.unsqueeze(0) : image;
        if (x.dim() != 4 || x.size(0) != 1) throw new IllegalArgumentException("Grad-CAM explains one image [1, C, H, W], got " + Arrays.toString(image.shape()));
        x = x.to(model.device()).detach().requiresGrad(true); // so that the layer's output has a gradient even when every parameter is frozen
        Tensor[] act = new Tensor[1];
        // parameters stop collecting gradients for this pass (their own gradients stay as they were)
        java.util.List<Tensor> trainable = model.trainableParameters();
        for (Tensor p : trainable) p.requiresGrad(false);
        try (ModeScope mode = model.evalScope(); HookHandle h = target.registerForwardHook((m, in, out) -> {
            out.retainGrad();
            act[0] = out;
            return null;
        })) {
            Tensor logits = model.call(x);
            if (act[0] == null) throw new IllegalStateException("layer '" + layer + "' did not run in the model's forward pass");
            if (act[0].dim() != 4) throw new IllegalArgumentException("layer '" + layer + "' outputs " + Arrays.toString(act[0].shape()) + "; Grad-CAM needs feature maps [1, C, h, w]");
            if (logits.dim() != 2) throw new IllegalArgumentException("the model outputs " + Arrays.toString(logits.shape()) + ", not class scores [1, classes]");
            int k = classIndex != null ? classIndex : (int) logits.argmax(1).itemLong();
            if (k < 0 || k >= logits.size(1)) throw new IllegalArgumentException("class " + k + " out of range: the model has " + logits.size(1) + " outputs");
            logits.get(0).get(k).backward();
            Tensor a = act[0].detach(), g = act[0].grad();
            Tensor weights = g.mean(3, true).mean(2, true);                 // global average pooling of the gradients
            Tensor cam = weights.mul(a).sum(1, false).get(0).relu();            // [h, w]
            double max = cam.max().item();
            return new Result(cam.div(max + 1e-10), k, logits.detach());
        } finally {
            for (Tensor p : trainable) p.requiresGrad(true);
        }
    }

    /** The heatmap resized to [h, w] (bilinear, as cv2.resize). */
    public static Tensor resize(Tensor heatmap, long h, long w) {
        return F.resizeBilinear(heatmap.reshape(1, 1, heatmap.size(0), heatmap.size(1)), h, w).reshape(h, w);
    }

    /**
     * Seed 002's overlay: the heatmap resized to the image, coloured with the jet colour map, blended as
     * 0.6 x image + 0.4 x heatmap. {@code image} is [3, H, W] (or [1, H, W]) in [0, 1].
     */
    public static BufferedImage overlay(Tensor image, Tensor heatmap) {
        Tensor rgb = image.dim() == 4 ? image.get(0) : image;
        if (rgb.size(0) == 1) rgb = Tensor.cat(java.util.List.of(rgb, rgb, rgb), 0);
        int h = (int) rgb.size(1), w = (int) rgb.size(2);
        float[] px = rgb.contiguous().toFloatArray(), heat = resize(heatmap, h, w).toFloatArray();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int i = 0; i < plane; i++) {
            int hm = ColorMap.JET.rgb(Math.round(Math.max(0, Math.min(1, heat[i])) * 255) / 255.0); // uint8, as the seed
            int r = blend(px[i], (hm >> 16) & 255), g = blend(px[plane + i], (hm >> 8) & 255), b = blend(px[2 * plane + i], hm & 255);
            out.setRGB(i % w, i / w, (r << 16) | (g << 8) | b);
        }
        return out;
    }

    private static int blend(float image01, int heat255) {
        double v = 0.6 * Math.round(Math.max(0, Math.min(1, image01)) * 255) + 0.4 * heat255;
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
