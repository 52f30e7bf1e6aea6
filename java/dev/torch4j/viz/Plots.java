package dev.torch4j.viz;

import dev.torch4j.tensor.Tensor;
import dev.torch4j.train.ConfusionMatrix;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;

/** Sample grids (seeds 002 and 003's {@code plot_images}) and confusion-matrix pictures. */
public final class Plots {
    private Plots() {}

    /**
     * The first {@code n} images of [N, C, H, W] in a square-ish grid (seed 003: 25, colour map bone), each titled
     * with its label, or "label / prediction" when predictions are given (wrong ones marked with an x).
     */
    public static Figure samples(Tensor images, long[] labels, long[] predictions, List<String> classNames, int n) {
        if (images.dim() != 4) throw new IllegalArgumentException("samples takes images [N, C, H, W], got " + java.util.Arrays.toString(images.shape()));
        int count = (int) Math.min(n, images.size(0));
        int cols = (int) Math.ceil(Math.sqrt(count));
        Figure fig = Figure.forCount(count, cols).tileSize(84);
        for (int i = 0; i < count; i++) {
            Tensor img = images.get(i);
            Tile t = img.size(0) == 3 ? Tile.rgb(img) : Tile.of(img.get(0), ColorMap.BONE);
            String title = null;
            if (labels != null) {
                title = name(classNames, labels[i]);
                if (predictions != null) title += (predictions[i] == labels[i] ? "\n" : "\nx ") + name(classNames, predictions[i]);
            }
            fig.put(i, title == null ? t : t.title(title));
        }
        return fig;
    }

    private static String name(List<String> names, long k) {
        return names != null && k >= 0 && k < names.size() ? names.get((int) k) : String.valueOf(k);
    }

    /** The matrix as a heat map (rows: true class, columns: predicted), counts written in the cells. */
    public static BufferedImage confusionMatrix(ConfusionMatrix cm, List<String> classNames) {
        int k = cm.classes(), cell = 56;
        long[][] c = cm.counts();
        long max = 1;
        for (long[] row : c) for (long v : row) max = Math.max(max, v);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        FontMetrics fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(font);
        int label = 0;
        for (int i = 0; i < k; i++) label = Math.max(label, fm.stringWidth(name(classNames, i)));
        int left = label + 40, top = label + 40, w = left + k * cell + 20, h = top + k * cell + 20;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setFont(font);
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                double v = (double) c[t][p] / max;
                g.setColor(new Color(ColorMap.VIRIDIS.rgb(v)));
                g.fillRect(left + p * cell, top + t * cell, cell, cell);
                String s = String.valueOf(c[t][p]);
                g.setColor(v > 0.6 ? Color.BLACK : Color.WHITE);
                g.drawString(s, left + p * cell + (cell - fm.stringWidth(s)) / 2, top + t * cell + (cell + fm.getAscent()) / 2 - 2);
            }
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawRect(left, top, k * cell, k * cell);
        for (int i = 0; i < k; i++) {
            String n = name(classNames, i);
            g.drawString(n, left - 6 - fm.stringWidth(n), top + i * cell + (cell + fm.getAscent()) / 2 - 2);
            AffineTransform saved = g.getTransform();
            g.rotate(-Math.PI / 2, left + i * cell + cell / 2.0 + fm.getAscent() / 2.0, top - 6);
            g.drawString(n, left + i * cell + cell / 2 + fm.getAscent() / 2, top - 6);
            g.setTransform(saved);
        }
        g.drawString("predicted", left + (k * cell - fm.stringWidth("predicted")) / 2, 14);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, 14, top + k * cell / 2.0);
        g.drawString("true", 14 - fm.stringWidth("true") / 2, top + k * cell / 2);
        g.setTransform(saved);
        g.dispose();
        return img;
    }
}
