package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/** Input checks shared by the pooling layers. */
final class Pools {
    private Pools() {}

    static void check(Tensor x, long[] kernel, long[] padding) {
        if (x.dim() != 3 && x.dim() != 4) throw new IllegalArgumentException("expected a 4-d input [N, C, H, W] (or 3-d), got " + F.shape(x));
        long h = x.size(-2) + 2 * padding[0], w = x.size(-1) + 2 * padding[1];
        if (h < kernel[0] || w < kernel[1]) {
            throw new IllegalArgumentException("input " + F.shape(x) + " is smaller than the pooling kernel " + Conv2d.pair(kernel));
        }
    }
}
