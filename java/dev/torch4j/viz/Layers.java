package dev.torch4j.viz;

import dev.torch4j.nn.Layer;
import dev.torch4j.nn.Sequential;

/**
 * Finds a layer of a model by the names interpretation tools take: a dotted path ({@code layer4},
 * {@code layer4.-1} for its last block, {@code features.10}) or, as seed 002's helpers, a bare index into the
 * model's convolutional stack ({@code conv_layers}, {@code features} or {@code conv_base}) or into the model itself
 * when it is a {@link Sequential}. Negative indices count from the end.
 */
public final class Layers {
    private Layers() {}

    public static Layer find(Layer model, String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("no layer given (a name such as layer4 or an index)");
        Layer m = model;
        if (spec.matches("-?\\d+") && !(model instanceof Sequential)) {
            m = stack(model);
        }
        for (String part : spec.split("\\.")) {
            if (part.matches("-?\\d+") && m instanceof Sequential) {
                Sequential s = (Sequential) m;
                int i = Integer.parseInt(part);
                if (i >= s.size() || i < -s.size()) {
                    throw new IllegalArgumentException("layer '" + spec + "': index " + i + " out of range for a Sequential of " + s.size());
                }
                m = s.get(i);
            } else {
                m = m.child(part);
            }
        }
        return m;
    }

    private static Layer stack(Layer model) {
        for (String name : new String[] {"conv_layers", "features", "conv_base"}) {
            if (model.namedChildren().get(name) instanceof Sequential) return model.namedChildren().get(name);
        }
        throw new IllegalArgumentException(model.getClass().getSimpleName() + " has no conv_layers, features or conv_base stack to index;"
                + " name the layer instead (children: " + model.namedChildren().keySet() + ")");
    }
}
