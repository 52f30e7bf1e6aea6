package dev.torch4j.train;

import com.google.gson.GsonBuilder;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-epoch figures of a training run by name, as Keras' History: CSV, JSON and a curves PNG. The columns are
 * {@code epoch} and every metric the rows carry, in the order they first appear.
 */
public final class History {
    private final List<EpochResult> epochs = new ArrayList<>();

    public void add(EpochResult r) {
        epochs.add(r);
    }

    public List<EpochResult> epochs() {
        return List.copyOf(epochs);
    }

    public EpochResult last() {
        if (epochs.isEmpty()) throw new IllegalStateException("no epoch has finished");
        return epochs.get(epochs.size() - 1);
    }

    /** One metric over the epochs (NaN where an epoch lacks it). */
    public double[] series(String metric) {
        if (!metric.equals("epoch") && !columns().contains(metric)) {
            throw new IllegalArgumentException("unknown metric '" + metric + "'; this history has: " + String.join(", ", columns()));
        }
        return epochs.stream().mapToDouble(e -> metric.equals("epoch") ? e.epoch() : e.getOrNaN(metric)).toArray();
    }

    /** The metric names of all rows, in order of first appearance. */
    public List<String> columns() {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        for (EpochResult e : epochs) names.addAll(e.metrics().keySet());
        return List.copyOf(names);
    }

    public String toCsv() {
        List<String> cols = columns();
        StringBuilder sb = new StringBuilder("epoch");
        for (String c : cols) sb.append(',').append(c);
        sb.append('\n');
        for (EpochResult e : epochs) {
            sb.append(e.epoch());
            for (String c : cols) sb.append(',').append(num(c, e.getOrNaN(c)));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String num(String column, double v) {
        if (Double.isNaN(v)) return "";
        if (column.equals("seconds")) return String.format(Locale.ROOT, "%.3f", v);
        if (column.equals("lr")) return String.format(Locale.ROOT, "%.8g", v);
        return String.format(Locale.ROOT, "%.6f", v);
    }

    public void writeCsv(Path file) {
        write(file, toCsv());
    }

    public void writeJson(Path file) {
        write(file, new GsonBuilder().setPrettyPrinting().create().toJson(rows()));
    }

    /** The rows as JSON-like maps ({@code epoch} first; NaN figures left out). */
    List<Map<String, Object>> rows() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (EpochResult e : epochs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", e.epoch());
            for (Map.Entry<String, Double> x : e.metrics().entrySet()) if (!x.getValue().isNaN()) m.put(x.getKey(), x.getValue());
            rows.add(m);
        }
        return rows;
    }

    /** Rebuilds a history from {@link #rows()}. */
    static History fromRows(List<?> rows) {
        History h = new History();
        for (Object o : rows) {
            Map<?, ?> row = (Map<?, ?>) o;
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (Map.Entry<?, ?> x : row.entrySet()) {
                if (!x.getKey().equals("epoch")) metrics.put((String) x.getKey(), Callback.number(x.getValue()));
            }
            h.add(new EpochResult(((Number) row.get("epoch")).intValue(), metrics));
        }
        return h;
    }

    private static void write(Path file, String text) {
        dev.torch4j.io.AtomicFiles.writeString(file, text);
    }

    /**
     * Writes a PNG (the name should end in .png): one chart per metric against epochs, train and validation side by
     * side, loss first then accuracy and any user metric.
     */
    public void plot(Path file) {
        if (epochs.isEmpty()) throw new IllegalStateException("nothing to plot: no epoch has finished");
        List<XYChart> charts = new ArrayList<>();
        for (String c : columns()) {
            if (!c.startsWith("train_")) continue;
            String base = c.substring("train_".length());
            String title = base.equals("loss") ? "Loss" : base.equals("acc") ? "Accuracy" : base;
            if (epochs.stream().allMatch(e -> Double.isNaN(e.getOrNaN(c)))) continue;
            charts.add(chart(title, base.equals("acc") ? "accuracy" : base, c, "val_" + base));
        }
        if (charts.isEmpty()) throw new IllegalStateException("nothing to plot: no train_ metric in the history");
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            BitmapEncoder.saveBitmap(charts, 1, charts.size(), file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private XYChart chart(String title, String yTitle, String train, String valid) {
        XYChart c = new XYChartBuilder().width(600).height(420).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        double[] x = series("epoch");
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setDecimalPattern("#0.###");
        XYSeries t = c.addSeries("train", x, nanSeries(train));
        t.setMarker(SeriesMarkers.CIRCLE);
        boolean hasValid = epochs.stream().anyMatch(e -> !Double.isNaN(e.getOrNaN(valid)));
        if (hasValid) c.addSeries("validation", x, nanSeries(valid)).setMarker(SeriesMarkers.DIAMOND);
        return c;
    }

    private double[] nanSeries(String metric) {
        return epochs.stream().mapToDouble(e -> e.getOrNaN(metric)).toArray();
    }
}
