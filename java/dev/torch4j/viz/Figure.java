package dev.torch4j.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A grid of {@link Tile}s with titles, saved as a PNG: the subplot grids of the seeds (kernels, feature maps,
 * filters, samples). Tiles are scaled to a common size with nearest-neighbour pixels (as matplotlib's imshow of
 * small images); empty cells stay white.
 */
public final class Figure {
    private final int rows, cols;
    private final Tile[][] tiles;
    private final String[] rowLabels;
    private int tileSize = 96;
    private String title;

    private Figure(int rows, int cols) {
        if (rows <= 0 || cols <= 0) throw new IllegalArgumentException("a figure needs at least one row and column, got " + rows + "x" + cols);
        this.rows = rows;
        this.cols = cols;
        this.tiles = new Tile[rows][cols];
        this.rowLabels = new String[rows];
    }

    public static Figure grid(int rows, int cols) {
        return new Figure(rows, cols);
    }

    /** A grid just large enough for {@code n} tiles, at most {@code maxCols} per row. */
    public static Figure forCount(int n, int maxCols) {
        int c = Math.max(1, Math.min(n, maxCols));
        return new Figure(Math.max(1, (n + c - 1) / c), c);
    }

    /** The side of each tile in pixels (default 96). */
    public Figure tileSize(int pixels) {
        if (pixels < 8) throw new IllegalArgumentException("tile size must be at least 8 pixels, got " + pixels);
        tileSize = pixels;
        return this;
    }

    public Figure title(String text) {
        title = text;
        return this;
    }

    public Figure rowLabel(int row, String text) {
        rowLabels[row] = text;
        return this;
    }

    public Figure put(int row, int col, Tile tile) {
        if (row < 0 || row >= rows || col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException("cell (" + row + ", " + col + ") outside a " + rows + "x" + cols + " figure");
        }
        tiles[row][col] = tile;
        return this;
    }

    /** Puts {@code tile} in the next cell in reading order, counting from {@code index}. */
    public Figure put(int index, Tile tile) {
        return put(index / cols, index % cols, tile);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public BufferedImage render() {
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, tileSize / 8));
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        FontMetrics fm = probe.createGraphics().getFontMetrics(font);
        int line = fm.getHeight(), titleLines = 0, labelWidth = 0, widest = tileSize;
        for (Tile[] row : tiles) {
            for (Tile t : row) {
                if (t == null || t.title == null) continue;
                String[] lines = t.title.split("\n");
                titleLines = Math.max(titleLines, lines.length);
                for (String l : lines) widest = Math.max(widest, fm.stringWidth(l) + 4); // columns widen for long titles
            }
        }
        for (String l : rowLabels) if (l != null) labelWidth = Math.max(labelWidth, fm.stringWidth(l) + 8);
        int pad = 6, cellH = tileSize + titleLines * line + pad, cellW = widest + pad, top = title == null ? pad : line + 2 * pad;
        int w = labelWidth + cols * cellW + pad, h = top + rows * cellH + pad;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setFont(font);
        g.setColor(Color.BLACK);
        if (title != null) g.drawString(title, (w - fm.stringWidth(title)) / 2, pad + fm.getAscent());
        for (int r = 0; r < rows; r++) {
            int y0 = top + r * cellH;
            if (rowLabels[r] != null) g.drawString(rowLabels[r], 4, y0 + titleLines * line + tileSize / 2 + fm.getAscent() / 2);
            for (int c = 0; c < cols; c++) {
                Tile t = tiles[r][c];
                if (t == null) continue;
                int x0 = labelWidth + pad + c * cellW + (widest - tileSize) / 2;
                if (t.title != null) {
                    String[] lines = t.title.split("\n");
                    for (int i = 0; i < lines.length; i++) {
                        g.drawString(lines[i], x0 + (tileSize - fm.stringWidth(lines[i])) / 2, y0 + i * line + fm.getAscent());
                    }
                }
                BufferedImage img = t.image();
                // keep the aspect ratio inside the square cell
                double scale = Math.min((double) tileSize / img.getWidth(), (double) tileSize / img.getHeight());
                int dw = (int) Math.round(img.getWidth() * scale), dh = (int) Math.round(img.getHeight() * scale);
                g.drawImage(img, x0 + (tileSize - dw) / 2, y0 + titleLines * line + (tileSize - dh) / 2, dw, dh, null);
            }
        }
        g.dispose();
        return out;
    }

    /** Writes the figure as a PNG, atomically (a temporary file beside it, then a move). Returns the path. */
    public Path save(Path file) {
        return savePng(render(), file);
    }

    /** Writes any image as a PNG, atomically. */
    public static Path savePng(BufferedImage image, Path file) {
        dev.torch4j.io.AtomicFiles.write(file, tmp -> {
            if (!javax.imageio.ImageIO.write(image, "png", tmp.toFile())) throw new IOException("no PNG writer");
        });
        return file;
    }
}
