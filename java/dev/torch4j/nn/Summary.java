package dev.torch4j.nn;

import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A torchinfo-style table of a model run on a zero input: every module call with its depth index, output
 * shape and parameters (frozen ones in parentheses), then totals, mult-adds and sizes. The figures follow
 * torchinfo's rules, so they equal those the seeds print (e.g. 93,322 params and 2.82M mult-adds).
 */
public final class Summary {
    private static final String RULE = "=".repeat(90);

    /** One module call. */
    public record Row(String label, int depth, long[] outputShape, long params, boolean frozen, boolean leaf) {}

    private final String rootName;
    private final List<Row> rows;
    private final long totalParams, trainableParams, multAdds, forwardBackwardBytes, inputBytes, paramBytes;

    private Summary(String rootName, List<Row> rows, long totalParams, long trainableParams, long multAdds,
                    long forwardBackwardBytes, long inputBytes, long paramBytes) {
        this.rootName = rootName;
        this.rows = rows;
        this.totalParams = totalParams;
        this.trainableParams = trainableParams;
        this.multAdds = multAdds;
        this.forwardBackwardBytes = forwardBackwardBytes;
        this.inputBytes = inputBytes;
        this.paramBytes = paramBytes;
    }

    /** Runs {@code model} once on zeros of {@code inputShape} (eval mode, no gradients) and tabulates it. */
    public static Summary of(Layer model, long... inputShape) {
        if (inputShape.length == 0) throw new IllegalArgumentException("summary needs an input shape, e.g. 1, 1, 28, 28");
        Map<Layer, Integer> depth = new IdentityHashMap<>();
        for (Map.Entry<String, Layer> e : model.namedModules().entrySet()) {
            depth.putIfAbsent(e.getValue(), e.getKey().isEmpty() ? 0 : e.getKey().split("\\.").length);
        }

        List<Object[]> calls = new ArrayList<>(); // module, depth, index, output shape
        Deque<Object[]> open = new ArrayDeque<>();
        Map<Integer, Integer> counters = new HashMap<>();
        List<HookHandle> handles = new ArrayList<>();
        for (Layer m : depth.keySet()) {
            handles.add(m.registerForwardPreHook((mod, in) -> {
                int d = depth.get(mod);
                int idx = counters.merge(d, 1, Integer::sum);
                Object[] call = {mod, d, idx, null};
                calls.add(call);
                open.push(call);
                return null;
            }));
            handles.add(m.registerForwardHook((mod, in, out) -> {
                open.pop()[3] = out.shape();
                return null;
            }));
        }
        try (ModeScope mode = model.evalScope(); Scope s = Scope.open(); Torch.NoGrad g = Torch.noGrad()) {
            model.call(Tensor.zeros(inputShape).to(model.device()));
        } finally {
            for (HookHandle h : handles) h.remove();
        }

        long macs = 0, fwdBwd = 0;
        List<Row> rows = new ArrayList<>();
        for (Object[] c : calls) {
            Layer m = (Layer) c[0];
            int d = (Integer) c[1];
            long[] out = (long[]) c[3];
            long params = 0;
            boolean frozen = true;
            for (Tensor p : m.ownParameters().values()) {
                params += p.numel();
                frozen &= !p.requiresGrad();
            }
            boolean leaf = m.namedChildren().isEmpty();
            String type = m.getClass().getSimpleName();
            if (leaf && params > 0) {
                long spatial = 1;
                for (int i = 2; i < out.length; i++) spatial *= out[i];
                macs += type.contains("Conv") ? params * out[0] * spatial : out[0] * params;
                fwdBwd += 2 * 4 * Arrays.stream(out).reduce(1, (a, b) -> a * b);
            }
            String label = d == 0 ? type : prefix(d) + type + ": " + d + "-" + c[2];
            rows.add(new Row(label, d, out, params, params > 0 && frozen, leaf));
        }
        long inputBytes = 4 * Arrays.stream(inputShape).reduce(1, (a, b) -> a * b);
        long total = model.parameterCount();
        return new Summary(model.getClass().getSimpleName(), rows, total, model.trainableParameterCount(), macs,
                fwdBwd, inputBytes, 4 * total);
    }

    private static String prefix(int depth) {
        return depth == 1 ? "├─" : "│    ".repeat(depth - 1) + "└─";
    }

    public List<Row> rows() {
        return rows;
    }

    public long totalParams() {
        return totalParams;
    }

    public long trainableParams() {
        return trainableParams;
    }

    public long nonTrainableParams() {
        return totalParams - trainableParams;
    }

    /** Total multiply-accumulate operations, counted as torchinfo does. */
    public long multAdds() {
        return multAdds;
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(RULE).append('\n');
        sb.append(line("Layer (type:depth-idx)", "Output Shape", "Param #")).append('\n');
        sb.append(RULE).append('\n');
        for (Row r : rows) {
            String params = r.params == 0 ? "--" : r.frozen ? "(" + group(r.params) + ")" : group(r.params);
            sb.append(line(r.label, Arrays.toString(r.outputShape), params)).append('\n');
        }
        sb.append(RULE).append('\n');
        sb.append("Total params: ").append(group(totalParams)).append('\n');
        sb.append("Trainable params: ").append(group(trainableParams)).append('\n');
        sb.append("Non-trainable params: ").append(group(nonTrainableParams())).append('\n');
        String[] unit = readable(multAdds);
        sb.append("Total mult-adds (").append(unit[0]).append("): ").append(unit[1]).append('\n');
        sb.append(RULE).append('\n');
        sb.append("Input size (MB): ").append(mb(inputBytes)).append('\n');
        sb.append("Forward/backward pass size (MB): ").append(mb(forwardBackwardBytes)).append('\n');
        sb.append("Params size (MB): ").append(mb(paramBytes)).append('\n');
        sb.append("Estimated Total Size (MB): ").append(mb(inputBytes + forwardBackwardBytes + paramBytes)).append('\n');
        sb.append(RULE);
        return sb.toString();
    }

    private static String line(String a, String b, String c) {
        return String.format(Locale.ROOT, "%-40s %-25s %s", a, b, c).stripTrailing();
    }

    private static String group(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / 1e6);
    }

    private static String[] readable(long n) {
        if (n >= 1e12) return new String[] {"T", String.format(Locale.ROOT, "%.2f", n / 1e12)};
        if (n >= 1e9) return new String[] {"G", String.format(Locale.ROOT, "%.2f", n / 1e9)};
        if (n >= 1e6) return new String[] {"M", String.format(Locale.ROOT, "%.2f", n / 1e6)};
        return new String[] {"K", String.format(Locale.ROOT, "%.2f", n / 1e3)};
    }

    /** The name of the model's class, the table's first row. */
    public String rootName() {
        return rootName;
    }
}
