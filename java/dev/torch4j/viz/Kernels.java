package dev.torch4j.viz;

import dev.torch4j.nn.F;
import dev.torch4j.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seed 002's fixed 3x3 kernels and what they do to an image: each output pixel is the sum of the kernel times
 * the 3x3 neighbourhood around it, zeros beyond the border (cross-correlation, as a convolution layer computes).
 */
public final class Kernels {
    private Kernels() {}

    public static Tensor horizontalEdge() {
        return Tensor.of(new float[] {1, 2, 1, 0, 0, 0, -1, -2, -1}, 3, 3);
    }

    public static Tensor diagonalEdge() {
        return Tensor.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3);
    }

    public static Tensor edgeDetect() {
        return Tensor.of(new float[] {-1, -1, -1, -1, 8, -1, -1, -1, -1}, 3, 3);
    }

    /** The three, by the names seed 002 gives them. */
    public static Map<String, Tensor> seed002() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("Hor. edge filter", horizontalEdge());
        m.put("Edge detect filter", edgeDetect());
        m.put("Diag. edge filter", diagonalEdge());
        return m;
    }

    /** {@code image} [H, W] filtered by an odd-sized {@code kernel} [k, k]: same size, zero padding. */
    public static Tensor filter(Tensor image, Tensor kernel) {
        if (image.dim() != 2) throw new IllegalArgumentException("filter takes a 2-d image [H, W], got " + Arrays.toString(image.shape()));
        if (kernel.dim() != 2 || kernel.size(0) % 2 == 0 || kernel.size(1) % 2 == 0) {
            throw new IllegalArgumentException("filter takes an odd-sized 2-d kernel, got " + Arrays.toString(kernel.shape()));
        }
        Tensor x = image.to(dev.torch4j.tensor.DType.FLOAT32).reshape(1, 1, image.size(0), image.size(1));
        Tensor w = kernel.to(dev.torch4j.tensor.DType.FLOAT32).reshape(1, 1, kernel.size(0), kernel.size(1));
        return F.conv2d(x, w, null, new long[] {1, 1}, new long[] {kernel.size(0) / 2, kernel.size(1) / 2}, new long[] {1, 1}, 1)
                .reshape(image.size(0), image.size(1));
    }

    /**
     * Seed 002's demo: for each kernel a row of the image (scaled to [0, 1]), the kernel and the filtered image,
     * drawn white-to-black over [-4, 4] as the seed does.
     */
    public static Figure demo(Tensor image, Map<String, Tensor> kernels) {
        Tensor scaled = image.sub(image.min().item()).div(Math.max(1e-12, image.max().item() - image.min().item()));
        Figure fig = Figure.grid(kernels.size(), 3).tileSize(140);
        int r = 0;
        for (Map.Entry<String, Tensor> e : kernels.entrySet()) {
            fig.put(r, 0, Tile.of(scaled, ColorMap.GRAY_R).range(-4, 4).title("Image"));
            fig.put(r, 1, Tile.of(e.getValue(), ColorMap.GRAY_R).range(-4, 4).title(e.getKey()));
            fig.put(r, 2, Tile.of(filter(scaled, e.getValue()), ColorMap.GRAY_R).range(-4, 4).title("Filtered image"));
            r++;
        }
        return fig;
    }
}
