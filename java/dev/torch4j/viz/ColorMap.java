package dev.torch4j.viz;

/** Maps a value in [0, 1] to an RGB colour, as matplotlib's colour maps of the same names (jet as OpenCV's). */
public enum ColorMap {
    /** Black to white. */
    GRAY,
    /** White to black (matplotlib's gray_r: seed 002's kernel demos). */
    GRAY_R,
    /** Dark purple through teal to yellow: seed 002's feature maps. */
    VIRIDIS,
    /** Blue through green and yellow to red: the Grad-CAM overlay. */
    JET,
    /** Black through blue-grey to white (matplotlib's bone: seed 003's sample grids). */
    BONE;

    // viridis at 0, 1/8, ..., 1 (matplotlib's published colours), interpolated linearly in between
    private static final int[][] VIRIDIS_STOPS = {
        {68, 1, 84}, {72, 40, 120}, {62, 73, 137}, {49, 104, 142}, {38, 130, 142},
        {31, 158, 137}, {53, 183, 121}, {109, 205, 89}, {253, 231, 37}};

    /** The colour of {@code t} (clamped to [0, 1]) as 0xRRGGBB. */
    public int rgb(double t) {
        double v = Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t));
        switch (this) {
            case GRAY: return grey(v);
            case GRAY_R: return grey(1 - v);
            case JET: return pack(clamp(1.5 - Math.abs(4 * v - 3)), clamp(1.5 - Math.abs(4 * v - 2)), clamp(1.5 - Math.abs(4 * v - 1)));
            case BONE: // matplotlib's segment data for bone
                return pack(piecewise(v, new double[] {0, 0.746032, 1}, new double[] {0, 0.652778, 1}),
                        piecewise(v, new double[] {0, 0.365079, 0.746032, 1}, new double[] {0, 0.319444, 0.777778, 1}),
                        piecewise(v, new double[] {0, 0.365079, 1}, new double[] {0, 0.444444, 1}));
            default: {
                double x = v * (VIRIDIS_STOPS.length - 1);
                int i = Math.min((int) x, VIRIDIS_STOPS.length - 2);
                double f = x - i;
                int[] a = VIRIDIS_STOPS[i], b = VIRIDIS_STOPS[i + 1];
                return (mix(a[0], b[0], f) << 16) | (mix(a[1], b[1], f) << 8) | mix(a[2], b[2], f);
            }
        }
    }

    private static double piecewise(double v, double[] xs, double[] ys) {
        int i = 1;
        while (i < xs.length - 1 && v > xs[i]) i++;
        return ys[i - 1] + (v - xs[i - 1]) * (ys[i] - ys[i - 1]) / (xs[i] - xs[i - 1]);
    }

    private static int grey(double v) {
        int g = (int) Math.round(v * 255);
        return (g << 16) | (g << 8) | g;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static int pack(double r, double g, double b) {
        return ((int) Math.round(clamp(r) * 255) << 16) | ((int) Math.round(clamp(g) * 255) << 8) | (int) Math.round(clamp(b) * 255);
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }
}
