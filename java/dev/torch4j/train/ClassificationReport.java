package dev.torch4j.train;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Precision, recall, F1 and support per class with macro and weighted averages, printed as
 * scikit-learn's classification_report. A class never predicted has precision 0 (as sklearn's
 * zero_division default).
 */
public final class ClassificationReport {
    /** One row of the report. */
    public record Row(String name, double precision, double recall, double f1, long support) {}

    private final List<Row> rows = new ArrayList<>();
    private final Row macro, weighted;
    private final double accuracy;
    private final long total;
    private final int digits;

    public ClassificationReport(ConfusionMatrix cm, List<String> classNames, int digits) {
        int n = cm.classes();
        if (classNames != null && classNames.size() != n) throw new IllegalArgumentException(classNames.size() + " class names for " + n + " classes");
        double mp = 0, mr = 0, mf = 0, wp = 0, wr = 0, wf = 0;
        total = cm.total();
        for (int c = 0; c < n; c++) {
            long tp = cm.count(c, c), predicted = cm.predicted(c), support = cm.support(c);
            double p = predicted == 0 ? 0 : tp / (double) predicted;
            double r = support == 0 ? 0 : tp / (double) support;
            double f = p + r == 0 ? 0 : 2 * p * r / (p + r);
            rows.add(new Row(classNames == null ? String.valueOf(c) : classNames.get(c), p, r, f, support));
            mp += p / n;
            mr += r / n;
            mf += f / n;
            if (total > 0) {
                wp += p * support / total;
                wr += r * support / total;
                wf += f * support / total;
            }
        }
        macro = new Row("macro avg", mp, mr, mf, total);
        weighted = new Row("weighted avg", wp, wr, wf, total);
        accuracy = cm.accuracy();
        this.digits = digits;
    }

    public ClassificationReport(ConfusionMatrix cm) {
        this(cm, null, 2);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public Row macroAverage() {
        return macro;
    }

    public Row weightedAverage() {
        return weighted;
    }

    public double accuracy() {
        return accuracy;
    }

    @Override public String toString() {
        int width = "weighted avg".length();
        for (Row r : rows) width = Math.max(width, r.name().length());
        width = Math.max(width, digits);
        StringBuilder sb = new StringBuilder();
        sb.append(pad("", width)).append(' ');
        for (String h : new String[] {"precision", "recall", "f1-score", "support"}) sb.append(' ').append(pad(h, 9));
        sb.append("\n\n");
        for (Row r : rows) row(sb, r, width);
        sb.append('\n');
        sb.append(pad("accuracy", width)).append(' ').append(' ').append(pad("", 9)).append(' ').append(pad("", 9))
                .append(' ').append(pad(fmt(accuracy), 9)).append(' ').append(pad(String.valueOf(total), 9)).append('\n');
        row(sb, macro, width);
        row(sb, weighted, width);
        return sb.toString();
    }

    private void row(StringBuilder sb, Row r, int width) {
        sb.append(pad(r.name(), width)).append(' ');
        for (double v : new double[] {r.precision(), r.recall(), r.f1()}) sb.append(' ').append(pad(fmt(v), 9));
        sb.append(' ').append(pad(String.valueOf(r.support()), 9)).append('\n');
    }

    /** Python's rounding of the exact binary value (half to even), so figures equal scikit-learn's. */
    private String fmt(double v) {
        return new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static String pad(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }
}
