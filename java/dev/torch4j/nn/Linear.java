package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

/** y = x W^T + b, as PyTorch's {@code nn.Linear}: weight [out, in], bias [out], PyTorch's initialisation. */
public final class Linear extends Layer {
    private final long in, out;
    private final Tensor weight, bias;

    private Linear(long in, long out, boolean bias) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear needs positive sizes, got in=" + in + " out=" + out);
        this.in = in;
        this.out = out;
        this.weight = registerParameter("weight", Tensor.zeros(out, in));
        Init.kaimingUniformDefault(weight, in);
        if (bias) {
            this.bias = registerParameter("bias", Tensor.zeros(out));
            Init.biasDefault(this.bias, in);
        } else {
            this.bias = null;
        }
    }

    public static Linear of(long inFeatures, long outFeatures) {
        return new Linear(inFeatures, outFeatures, true);
    }

    public static Linear of(long inFeatures, long outFeatures, boolean bias) {
        return new Linear(inFeatures, outFeatures, bias);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    public long inFeatures() {
        return in;
    }

    public long outFeatures() {
        return out;
    }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() == 0 || x.size(-1) != in) {
            throw new IllegalArgumentException("expected input of shape [*, " + in + "], got " + F.shape(x));
        }
        return F.linear(x, weight, bias);
    }

    @Override protected String extraRepr() {
        return "in_features=" + in + ", out_features=" + out + ", bias=" + (bias != null ? "True" : "False");
    }
}
