package dev.torch4j.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** PyTorch's tensor printout: common element width, fixed or scientific notation, summarised past 1,000 elements. */
final class TensorFormat {
    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;
    private static final int LINE_WIDTH = 80;

    private TensorFormat() {}

    static String format(Tensor t) {
        long[] shape = t.shape();
        DType dtype = t.dtype();
        StringBuilder sb = new StringBuilder("tensor(");
        boolean summarise = t.numel() > THRESHOLD;
        if (t.numel() == 0) {
            sb.append("[]");
        } else {
            double[] values = t.toDoubleArray();
            Element fmt = Element.choose(shown(values, shape, summarise), dtype);
            append(sb, values, shape, 0, 0, "tensor(".length(), fmt, summarise);
        }
        Device device = t.device();
        if (device.type() != Device.Type.CPU) sb.append(", device='").append(device).append('\'');
        if (t.numel() == 0 ? dtype != DType.FLOAT32 : dtype != DType.FLOAT32 && dtype != DType.INT64 && dtype != DType.BOOL) {
            sb.append(", dtype=torch.").append(dtype.torchName());
        }
        String gradFn = gradFn(t);
        if (gradFn != null) sb.append(", grad_fn=<").append(gradFn).append('>');
        else if (t.requiresGrad()) sb.append(", requires_grad=True");
        return sb.append(')').toString();
    }

    /** The autograd node that made {@code t} (e.g. MulBackward0), or null for a leaf. */
    private static String gradFn(Tensor t) {
        org.bytedeco.pytorch.Node node = t.handle().grad_fn();
        if (node == null || node.isNull()) return null;
        String name = node.name().getString();
        return name.substring(name.lastIndexOf(':') + 1); // C++ names are namespace-qualified
    }

    /** The values that will be printed (edges only when summarising), which set the common format. */
    private static List<Double> shown(double[] values, long[] shape, boolean summarise) {
        List<Double> out = new ArrayList<>();
        collect(values, shape, 0, 0, summarise, out);
        return out;
    }

    private static void collect(double[] v, long[] shape, int dim, long offset, boolean summarise, List<Double> out) {
        if (dim == shape.length) {
            out.add(v[(int) offset]);
            return;
        }
        long stride = stride(shape, dim);
        for (long i : indices(shape[dim], summarise)) collect(v, shape, dim + 1, offset + i * stride, summarise, out);
    }

    private static long[] indices(long n, boolean summarise) {
        if (!summarise || n <= 2 * EDGE) {
            long[] all = new long[(int) n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        return new long[] {0, 1, 2, n - 3, n - 2, n - 1};
    }

    private static long stride(long[] shape, int dim) {
        long s = 1;
        for (int d = dim + 1; d < shape.length; d++) s *= shape[d];
        return s;
    }

    private static void append(StringBuilder sb, double[] v, long[] shape, int dim, long offset, int indent,
                               Element fmt, boolean summarise) {
        if (shape.length == 0) {
            sb.append(fmt.format(v[0]).strip());
            return;
        }
        long n = shape[dim];
        long stride = stride(shape, dim);
        boolean cut = summarise && n > 2 * EDGE;
        sb.append('[');
        if (dim == shape.length - 1) {
            int perLine = Math.max(1, (LINE_WIDTH - indent) / (fmt.width + 2));
            List<String> items = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                if (cut && i == EDGE) {
                    items.add(" ..."); // PyTorch counts the ellipsis as an element when wrapping
                    i = n - EDGE - 1;
                    continue;
                }
                items.add(fmt.format(v[(int) (offset + i * stride)]));
            }
            for (int k = 0; k < items.size(); k++) {
                if (k > 0) sb.append(k % perLine == 0 ? ",\n" + " ".repeat(indent + 1) : ", ");
                sb.append(items.get(k));
            }
        } else {
            String sep = "," + "\n".repeat(shape.length - dim - 1) + " ".repeat(indent + 1);
            for (long i = 0; i < n; i++) {
                if (cut && i == EDGE) {
                    sb.append(sep).append("...");
                    i = n - EDGE - 1;
                    continue;
                }
                if (i > 0) sb.append(sep);
                append(sb, v, shape, dim + 1, offset + i * stride, indent + 1, fmt, summarise);
            }
        }
        sb.append(']');
    }

    /** How every element is written, padded to a common width. */
    private static final class Element {
        enum Mode { INT, BOOL, INTEGRAL_FLOAT, FIXED, SCIENTIFIC }

        final Mode mode;
        int width;

        private Element(Mode mode) {
            this.mode = mode;
        }

        static Element choose(List<Double> values, DType dtype) {
            Element e;
            if (dtype == DType.BOOL) e = new Element(Mode.BOOL);
            else if (!dtype.isFloatingPoint()) e = new Element(Mode.INT);
            else {
                double maxAbs = 0, minAbs = Double.POSITIVE_INFINITY;
                boolean integral = true, anyFinite = false;
                for (double v : values) {
                    if (!Double.isFinite(v)) continue;
                    anyFinite = true;
                    if (v != Math.rint(v)) integral = false;
                    double a = Math.abs(v);
                    if (a != 0) {
                        maxAbs = Math.max(maxAbs, a);
                        minAbs = Math.min(minAbs, a);
                    }
                }
                boolean wide = anyFinite && minAbs != Double.POSITIVE_INFINITY && (maxAbs / minAbs > 1000 || maxAbs > 1e8);
                if (integral) e = new Element(wide ? Mode.SCIENTIFIC : Mode.INTEGRAL_FLOAT);
                else e = new Element(wide || (minAbs < 1e-4 && minAbs != Double.POSITIVE_INFINITY) ? Mode.SCIENTIFIC : Mode.FIXED);
            }
            for (double v : values) e.width = Math.max(e.width, e.raw(v).length());
            return e;
        }

        String raw(double v) {
            if (Double.isNaN(v)) return "nan";
            if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
            switch (mode) {
                case BOOL: return v != 0 ? "True" : "False";
                case INT: return Long.toString((long) v);
                case INTEGRAL_FLOAT: return String.format(Locale.ROOT, "%.0f.", v);
                case SCIENTIFIC: return String.format(Locale.ROOT, "%.4e", v);
                default: return String.format(Locale.ROOT, "%.4f", v);
            }
        }

        String format(double v) {
            String s = raw(v);
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }
    }
}
