package dev.torch4j.viz;

import dev.torch4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Gabor filters as seed 002 uses them: scikit-image's {@code gabor_kernel(frequency, theta, sigma_x=sigma,
 * sigma_y=sigma)} (a complex kernel reaching 3 sigmas) and the magnitude of an image's response,
 * {@code sqrt(conv(img, real)^2 + conv(img, imag)^2)} on the image normalised to mean 0 and standard deviation 1,
 * convolved with wrap-around borders (scipy.ndimage's mode 'wrap').
 */
public final class Gabor {
    /** A complex kernel: real and imaginary parts, [2 * half + 1] rows by [2 * half + 1] columns. */
    public record Kernel(double frequency, double theta, double sigma, double[][] real, double[][] imag) {
        public Tensor realPart() {
            return Gabor.toTensor(real);
        }
    }

    private Gabor() {}

    public static Kernel kernel(double frequency, double theta, double sigma) {
        if (!(frequency > 0) || !(sigma > 0)) throw new IllegalArgumentException("Gabor kernel needs frequency > 0 and sigma > 0, got " + frequency + ", " + sigma);
        double ct = Math.cos(theta), st = Math.sin(theta), nStds = 3;
        int x0 = (int) Math.ceil(Math.max(Math.max(Math.abs(nStds * sigma * ct), Math.abs(nStds * sigma * st)), 1));
        int y0 = (int) Math.ceil(Math.max(Math.max(Math.abs(nStds * sigma * ct), Math.abs(nStds * sigma * st)), 1));
        double[][] re = new double[2 * y0 + 1][2 * x0 + 1], im = new double[2 * y0 + 1][2 * x0 + 1];
        for (int yi = 0; yi <= 2 * y0; yi++) {
            for (int xi = 0; xi <= 2 * x0; xi++) {
                double y = yi - y0, x = xi - x0;
                double rotx = x * ct + y * st, roty = -x * st + y * ct;
                double g = Math.exp(-0.5 * (rotx * rotx + roty * roty) / (sigma * sigma)) / (2 * Math.PI * sigma * sigma);
                re[yi][xi] = g * Math.cos(2 * Math.PI * frequency * rotx);
                im[yi][xi] = g * Math.sin(2 * Math.PI * frequency * rotx);
            }
        }
        return new Kernel(frequency, theta, sigma, re, im);
    }

    /** The response magnitude of {@code image} [H, W] to {@code k}, [H, W]. */
    public static Tensor magnitude(Tensor image, Kernel k) {
        double[][] img = toArray(image);
        int h = img.length, w = img[0].length;
        double mean = 0, sq = 0;
        for (double[] row : img) for (double v : row) mean += v;
        mean /= h * w;
        for (double[] row : img) for (double v : row) sq += (v - mean) * (v - mean);
        double std = Math.sqrt(sq / (h * w));
        if (std == 0) throw new IllegalArgumentException("a constant image has no Gabor response (its standard deviation is 0)");
        for (double[] row : img) for (int j = 0; j < w; j++) row[j] = (row[j] - mean) / std;
        double[][] re = convolveWrap(img, k.real()), im = convolveWrap(img, k.imag()), out = new double[h][w];
        for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) out[i][j] = Math.sqrt(re[i][j] * re[i][j] + im[i][j] * im[i][j]);
        return toTensor(out);
    }

    /** scipy.ndimage.convolve(image, kernel, mode='wrap'): the kernel flipped, borders wrapping around. */
    static double[][] convolveWrap(double[][] img, double[][] kernel) {
        int h = img.length, w = img[0].length, kh = kernel.length, kw = kernel[0].length, cy = kh / 2, cx = kw / 2;
        double[][] out = new double[h][w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                double s = 0;
                for (int a = 0; a < kh; a++) {
                    int y = Math.floorMod(i + cy - a, h);
                    for (int b = 0; b < kw; b++) s += img[y][Math.floorMod(j + cx - b, w)] * kernel[a][b];
                }
                out[i][j] = s;
            }
        }
        return out;
    }

    /** Seed 002's filter bank: theta 0 and pi/4, frequency 0.1 and 0.2, sigma 1 and 3. */
    public static List<Kernel> seed002Bank() {
        List<Kernel> bank = new ArrayList<>();
        for (int t = 0; t < 2; t++) for (double f : new double[] {0.1, 0.2}) for (double s : new double[] {1, 3}) bank.add(kernel(f, t / 4.0 * Math.PI, s));
        return bank;
    }

    /**
     * Seed 002's grid: the kernels' real parts along the top, then one row per image (original first) with its
     * response magnitudes, each kernel's column on a shared colour scale.
     */
    public static Figure bank(List<Kernel> kernels, List<Tensor> images, List<String> names) {
        Figure fig = Figure.grid(images.size() + 1, kernels.size() + 1).tileSize(90);
        for (int c = 0; c < kernels.size(); c++) {
            Kernel k = kernels.get(c);
            fig.put(0, c + 1, Tile.of(k.realPart(), ColorMap.VIRIDIS)
                    .title(String.format(java.util.Locale.ROOT, "theta=%.2f\nfrequency=%.2f\nsigma=%.2f", k.theta(), k.frequency(), k.sigma())));
            List<Tensor> responses = new ArrayList<>();
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (Tensor img : images) {
                Tensor m = magnitude(img, k);
                responses.add(m);
                lo = Math.min(lo, m.min().item());
                hi = Math.max(hi, m.max().item());
            }
            for (int r = 0; r < images.size(); r++) {
                Tile t = Tile.of(responses.get(r), ColorMap.GRAY);
                fig.put(r + 1, c + 1, hi > lo ? t.range(lo, hi) : t);
            }
        }
        for (int r = 0; r < images.size(); r++) {
            fig.put(r + 1, 0, Tile.of(images.get(r), ColorMap.GRAY));
            fig.rowLabel(r + 1, names.get(r));
        }
        return fig;
    }

    static double[][] toArray(Tensor image) {
        if (image.dim() != 2) throw new IllegalArgumentException("expected a 2-d image [H, W], got " + java.util.Arrays.toString(image.shape()));
        int h = (int) image.size(0), w = (int) image.size(1);
        float[] v = image.toFloatArray();
        double[][] a = new double[h][w];
        for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) a[i][j] = v[i * w + j];
        return a;
    }

    static Tensor toTensor(double[][] a) {
        int h = a.length, w = a[0].length;
        float[] v = new float[h * w];
        for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) v[i * w + j] = (float) a[i][j];
        return Tensor.of(v, h, w);
    }
}
