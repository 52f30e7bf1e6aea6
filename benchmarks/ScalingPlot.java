// Draws benchmarks/scaling.sh's log: per-image step time against batch size, and step time against image size, for
// torch4j and PyTorch in both layouts (median over rounds). Prints the medians as a Markdown table too.
//   java -cp 'target/classes:target/lib/*' benchmarks/ScalingPlot.java LOG PNG
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class ScalingPlot {
    static final Pattern T4J = Pattern.compile("batch (\\d+) image (\\d+) threads \\d+ (contiguous|channels-last) torch4j .*median ([\\d.]+) ms/step");
    static final Pattern PT = Pattern.compile("pytorch s2-cat batch (\\d+) image (\\d+) (contiguous|channels_last): median ([\\d.]+) ms/step");
    static final String[] SERIES = {"torch4j contiguous", "torch4j channels-last", "PyTorch contiguous", "PyTorch channels_last"};

    public static void main(String[] a) throws Exception {
        Map<String, Map<List<Integer>, List<Double>>> d = new LinkedHashMap<>();
        for (String s : SERIES) d.put(s, new TreeMap<>(Comparator.<List<Integer>>comparingInt(l -> l.get(0)).thenComparingInt(l -> l.get(1))));
        for (String line : Files.readAllLines(Path.of(a[0]))) {
            Matcher m = T4J.matcher(line), p = PT.matcher(line);
            if (m.find()) d.get("torch4j " + m.group(3)).computeIfAbsent(List.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))), k -> new ArrayList<>()).add(Double.parseDouble(m.group(4)));
            else if (p.find()) d.get("PyTorch " + p.group(3)).computeIfAbsent(List.of(Integer.parseInt(p.group(1)), Integer.parseInt(p.group(2))), k -> new ArrayList<>()).add(Double.parseDouble(p.group(4)));
        }
        XYChart byBatch = chart("s2-cat at 150x150: time per image against batch size", "batch size", "ms per image (step / batch)");
        byBatch.getStyler().setXAxisLogarithmic(true);
        XYChart bySize = chart("s2-cat at batch 32: step time against image size", "image side (pixels)", "ms per step");
        System.out.println("| batch | image | " + String.join(" | ", SERIES) + " | torch4j best / PyTorch contiguous |");
        System.out.println("| ---: | ---: |" + " ---: |".repeat(SERIES.length + 1));
        Set<List<Integer>> points = d.get(SERIES[0]).keySet();
        for (List<Integer> pt : points) {
            StringBuilder row = new StringBuilder("| " + pt.get(0) + " | " + pt.get(1) + " |");
            double[] med = new double[SERIES.length];
            for (int i = 0; i < SERIES.length; i++) {
                List<Double> v = d.get(SERIES[i]).getOrDefault(pt, List.of());
                med[i] = median(v);
                row.append(String.format(Locale.ROOT, " %.1f |", med[i]));
            }
            row.append(String.format(Locale.ROOT, " %.2f |", Math.min(med[0], med[1]) / med[2]));
            System.out.println(row);
        }
        for (String s : SERIES) {
            List<Double> bx = new ArrayList<>(), by = new ArrayList<>(), sx = new ArrayList<>(), sy = new ArrayList<>();
            for (Map.Entry<List<Integer>, List<Double>> e : d.get(s).entrySet()) {
                int batch = e.getKey().get(0), image = e.getKey().get(1);
                double ms = median(e.getValue());
                if (image == 150) { bx.add((double) batch); by.add(ms / batch); }
                if (batch == 32) { sx.add((double) image); sy.add(ms); }
            }
            sortTogether(bx, by);
            sortTogether(sx, sy);
            byBatch.addSeries(s, bx, by).setMarker(SeriesMarkers.CIRCLE);
            bySize.addSeries(s, sx, sy).setMarker(SeriesMarkers.CIRCLE);
        }
        BitmapEncoder.saveBitmap(List.of(byBatch, bySize), 1, 2, a[1], BitmapEncoder.BitmapFormat.PNG);
        System.out.println("wrote " + a[1]);
    }

    static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(640).height(440).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setDecimalPattern("#0.#");
        return c;
    }

    static double median(List<Double> v) {
        if (v.isEmpty()) return Double.NaN;
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static void sortTogether(List<Double> x, List<Double> y) {
        Integer[] idx = new Integer[x.size()];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, Comparator.comparingDouble(x::get));
        List<Double> nx = new ArrayList<>(), ny = new ArrayList<>();
        for (int i : idx) { nx.add(x.get(i)); ny.add(y.get(i)); }
        x.clear(); x.addAll(nx); y.clear(); y.addAll(ny);
    }
}
