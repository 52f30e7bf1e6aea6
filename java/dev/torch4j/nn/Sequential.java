package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Modules run one after another, named "0", "1", ... as in PyTorch (so state-dict keys match).
 * Nestable, indexable ({@link #get(int)}) and sliceable ({@link #slice(int, int)} keeps the original
 * names, like PyTorch's {@code seq[10:]}).
 */
public final class Sequential extends Layer {
    private Sequential() {}

    public static Sequential of(Layer... modules) {
        Sequential s = new Sequential();
        for (Layer m : modules) s.add(m);
        return s;
    }

    public static Sequential of(List<? extends Layer> modules) {
        return of(modules.toArray(new Layer[0]));
    }

    /** Appends a module under the next index. Returns this. */
    public Sequential add(Layer m) {
        register(String.valueOf(size()), m);
        return this;
    }

    public int size() {
        return namedChildren().size();
    }

    /** The module at position {@code i}; negative counts from the end. */
    public Layer get(int i) {
        List<Layer> c = children();
        int j = i < 0 ? c.size() + i : i;
        if (j < 0 || j >= c.size()) throw new IndexOutOfBoundsException("index " + i + " out of range for Sequential of " + c.size());
        return c.get(j);
    }

    /** Positions from (inclusive) to (exclusive) as a new Sequential sharing the modules, names kept. */
    public Sequential slice(int from, int to) {
        int n = size();
        if (from < 0 || to > n || from > to) throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") out of range for Sequential of " + n);
        Sequential s = new Sequential();
        List<Map.Entry<String, Layer>> entries = new ArrayList<>(namedChildren().entrySet());
        for (Map.Entry<String, Layer> e : entries.subList(from, to)) s.register(e.getKey(), e.getValue());
        return s;
    }

    /**
     * Makes the children from position {@code from} on trainable, the ones before it frozen: partial
     * fine-tuning ({@code vgg.features().unfreezeFrom(10)}, PyTorch's {@code list(seq.children())[10:]}). Returns this.
     */
    public Sequential unfreezeFrom(int from) {
        int n = size();
        if (from < 0 || from > n) throw new IndexOutOfBoundsException("unfreezeFrom(" + from + ") out of range for Sequential of " + n);
        List<Layer> c = children();
        for (int i = 0; i < n; i++) {
            if (i < from) c.get(i).freeze();
            else c.get(i).unfreeze();
        }
        return this;
    }

    /** Positions from {@code from} to the end (e.g. VGG16 features from 10). */
    public Sequential slice(int from) {
        return slice(from, size());
    }

    @Override public Tensor forward(Tensor x) {
        return run(x, children());
    }

    /**
     * Runs {@code modules} one after another on {@code x}, as a Sequential of them does: a {@link ReLU} followed by a
     * {@link MaxPool2d}, neither with hooks, runs as the pooling followed by the ReLU. The two commute exactly (the same
     * values; the gradient reaches the same inputs, with the same sums), and the ReLU then runs, forward and backward,
     * on the pooled values only: a quarter of them for a 2x2 kernel (docs/benchmarks.md, "ReLU after the pooling").
     * A {@link ReLU} followed by a {@link BatchNorm2d}, neither with hooks, runs as the batch norm of the ReLU's output
     * computed on the fly where the shim normalises ({@link BatchNorm2d#callOnRelu}): the ReLU's two passes forward
     * and three backward are saved (docs/benchmarks.md, "Batch norm in the shim").
     * With a hook on either module both run as written, so the hook sees what the model declares.
     */
    public static Tensor run(Tensor x, Layer... modules) {
        return run(x, List.of(modules));
    }

    private static Tensor run(Tensor x, List<Layer> modules) {
        for (int i = 0; i < modules.size(); i++) {
            Layer m = modules.get(i);
            Layer next = i + 1 < modules.size() ? modules.get(i + 1) : null;
            if (m instanceof ReLU && next instanceof MaxPool2d && !m.hasHooks() && !next.hasHooks()) {
                x = m.call(next.call(x));
                i++;
            } else if (m instanceof ReLU && next instanceof BatchNorm2d bn && !m.hasHooks() && !next.hasHooks()) {
                x = bn.callOnRelu(x);
                i++;
            } else {
                x = m.call(x);
            }
        }
        return x;
    }
}
