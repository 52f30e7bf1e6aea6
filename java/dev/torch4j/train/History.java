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

/** Per-epoch figures of a training run, as seed 002's history: CSV, JSON and a curves PNG. */
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

    public double[] series(String metric) {
        return epochs.stream().mapToDouble(e -> e.get(metric)).toArray();
    }

    public String toCsv() {
        StringBuilder sb = new StringBuilder("epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n");
        for (EpochResult e : epochs) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%s,%s,%.8g,%.3f%n", e.epoch(), e.trainLoss(), e.trainAccuracy(),
                    num(e.validLoss()), num(e.validAccuracy()), e.lr(), e.seconds()));
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    public void writeCsv(Path file) {
        write(file, toCsv());
    }

    public void writeJson(Path file) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (EpochResult e : epochs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", e.epoch());
            m.put("train_loss", e.trainLoss());
            m.put("train_acc", e.trainAccuracy());
            if (!Double.isNaN(e.validLoss())) {
                m.put("val_loss", e.validLoss());
                m.put("val_acc", e.validAccuracy());
            }
            m.put("lr", e.lr());
            m.put("seconds", e.seconds());
            rows.add(m);
        }
        write(file, new GsonBuilder().setPrettyPrinting().create().toJson(rows));
    }

    private static void write(Path file, String text) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a PNG (the name should end in .png) with loss (left) and accuracy (right) against epochs, train and validation, as seed 002's plot_training. */
    public void plot(Path file) {
        if (epochs.isEmpty()) throw new IllegalStateException("nothing to plot: no epoch has finished");
        XYChart loss = chart("Loss", "loss", "train_loss", "val_loss");
        XYChart acc = chart("Accuracy", "accuracy", "train_acc", "val_acc");
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            BitmapEncoder.saveBitmap(List.of(loss, acc), 1, 2, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private XYChart chart(String title, String yTitle, String train, String valid) {
        XYChart c = new XYChartBuilder().width(600).height(420).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        double[] x = series("epoch");
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setDecimalPattern("#0.###");
        XYSeries t = c.addSeries("train", x, series(train));
        t.setMarker(SeriesMarkers.CIRCLE);
        boolean hasValid = epochs.stream().anyMatch(e -> !Double.isNaN(e.validLoss()));
        if (hasValid) c.addSeries("validation", x, series(valid)).setMarker(SeriesMarkers.DIAMOND);
        return c;
    }
}
