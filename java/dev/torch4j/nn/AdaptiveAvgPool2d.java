package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/** Average pooling to a fixed output size; {@code AdaptiveAvgPool2d.of(1)} is global average pooling. */
public final class AdaptiveAvgPool2d extends Layer {
    private final long outH, outW;

    private AdaptiveAvgPool2d(long outH, long outW) {
        if (outH <= 0 || outW <= 0) throw new IllegalArgumentException("AdaptiveAvgPool2d output size must be positive, got " + outH + "x" + outW);
        this.outH = outH;
        this.outW = outW;
    }

    public static AdaptiveAvgPool2d of(long size) {
        return new AdaptiveAvgPool2d(size, size);
    }

    public static AdaptiveAvgPool2d of(long outH, long outW) {
        return new AdaptiveAvgPool2d(outH, outW);
    }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() != 3 && x.dim() != 4) throw new IllegalArgumentException("expected a 4-d input [N, C, H, W] (or 3-d), got " + F.shape(x));
        return F.adaptiveAvgPool2d(x, outH, outW);
    }

    @Override protected String extraRepr() {
        return "output_size=" + (outH == outW ? String.valueOf(outH) : "(" + outH + ", " + outW + ")");
    }
}
