package dev.torch4j.viz;

import dev.torch4j.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * One picture of a {@link Figure}: a 2-d array of values drawn through a colour map (over a value range, the
 * array's own by default), or an RGB image with values in [0, 1]; optionally titled.
 */
public final class Tile {
    final float[] values;
    final int height, width, channels;
    final ColorMap map;
    final double vmin, vmax;
    final String title;

    private Tile(float[] values, int height, int width, int channels, ColorMap map, double vmin, double vmax, String title) {
        this.values = values;
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.map = map;
        this.vmin = vmin;
        this.vmax = vmax;
        this.title = title;
    }

    /** A [H, W] tensor (or [1, H, W], [1, 1, H, W]) through {@code map}, over its own minimum to maximum. */
    public static Tile of(Tensor values, ColorMap map) {
        long[] s = values.shape();
        int d = s.length;
        if (d < 2 || Arrays.stream(s, 0, d - 2).anyMatch(n -> n != 1)) {
            throw new IllegalArgumentException("a tile needs a 2-d array of values ([H, W]), got shape " + Arrays.toString(s));
        }
        float[] v = values.toFloatArray();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (float x : v) {
            if (Float.isFinite(x)) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        }
        if (min > max) min = max = 0;
        return new Tile(v, (int) s[d - 2], (int) s[d - 1], 1, map, min, max, null);
    }

    /** A [3, H, W] (or [1, 3, H, W]) RGB image, or [1, H, W] grey, with values in [0, 1] (clipped, as matplotlib). */
    public static Tile rgb(Tensor image) {
        long[] s = image.shape();
        int d = s.length;
        if (d < 3 || (s[d - 3] != 3 && s[d - 3] != 1) || Arrays.stream(s, 0, d - 3).anyMatch(n -> n != 1)) {
            throw new IllegalArgumentException("an image tile needs [3, H, W] or [1, H, W] values in [0, 1], got shape " + Arrays.toString(s));
        }
        return new Tile(image.toFloatArray(), (int) s[d - 2], (int) s[d - 1], (int) s[d - 3], ColorMap.GRAY, 0, 1, null);
    }

    /** A rendered picture (e.g. a Grad-CAM overlay). */
    public static Tile picture(BufferedImage img) {
        int h = img.getHeight(), w = img.getWidth(), plane = h * w;
        float[] v = new float[3 * plane];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y), i = y * w + x;
                v[i] = ((rgb >> 16) & 255) / 255f;
                v[plane + i] = ((rgb >> 8) & 255) / 255f;
                v[2 * plane + i] = (rgb & 255) / 255f;
            }
        }
        return new Tile(v, h, w, 3, ColorMap.GRAY, 0, 1, null);
    }

    /** This tile drawn over [vmin, vmax] instead of its own range (values outside are clipped). */
    public Tile range(double min, double max) {
        if (!(max > min)) throw new IllegalArgumentException("range needs min < max, got " + min + ", " + max);
        return new Tile(values, height, width, channels, map, min, max, title);
    }

    public Tile title(String text) {
        return new Tile(values, height, width, channels, map, vmin, vmax, text);
    }

    /** The picture at its own size, one pixel per value. */
    public BufferedImage image() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        double span = vmax > vmin ? vmax - vmin : 1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x, rgb;
                if (channels == 3) {
                    rgb = (byte255(values[i]) << 16) | (byte255(values[plane + i]) << 8) | byte255(values[2 * plane + i]);
                } else if (channels == 1 && map == ColorMap.GRAY && vmin == 0 && vmax == 1) {
                    int g = byte255(values[i]);
                    rgb = (g << 16) | (g << 8) | g;
                } else {
                    rgb = map.rgb((values[i] - vmin) / span);
                }
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    private static int byte255(float v) {
        return (int) Math.round(Math.max(0, Math.min(1, Float.isNaN(v) ? 0 : v)) * 255);
    }
}
