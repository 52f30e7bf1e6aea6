package dev.torch4j.nn;

import dev.torch4j.tensor.Tensor;

import java.util.Locale;

/**
 * 2-d convolution, as PyTorch's {@code nn.Conv2d}: weight [out, in/groups, kh, kw], optional bias [out],
 * PyTorch's default initialisation. Padding is a number, a pair, {@code "same"} or {@code "valid"}.
 *
 * <pre>{@code Conv2d.of(1, 16, 5).padding(2)   Conv2d.of(1, 32, 3).padding("same")   Conv2d.of(3, 6, 3).stride(2).padding(1)}</pre>
 */
public final class Conv2d extends Layer {
    private final long in, out, groups;
    private final long[] kernel;
    private long[] stride = {1, 1};
    private long[] padding = {0, 0};
    private String paddingMode; // "same" / "valid" when given by name
    private long[] dilation = {1, 1};
    private final Tensor weight, bias;

    private Conv2d(long in, long out, long kh, long kw, long groups, boolean bias) {
        if (in <= 0 || out <= 0 || kh <= 0 || kw <= 0) {
            throw new IllegalArgumentException("Conv2d needs positive channels and kernel, got in=" + in + " out=" + out + " kernel=" + kh + "x" + kw);
        }
        if (groups <= 0 || in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("Conv2d groups=" + groups + " must divide in_channels=" + in + " and out_channels=" + out);
        }
        this.in = in;
        this.out = out;
        this.groups = groups;
        this.kernel = new long[] {kh, kw};
        long fanIn = in / groups * kh * kw;
        this.weight = registerParameter("weight", Tensor.zeros(out, in / groups, kh, kw));
        Init.kaimingUniformDefault(weight, fanIn);
        if (bias) {
            this.bias = registerParameter("bias", Tensor.zeros(out));
            Init.biasDefault(this.bias, fanIn);
        } else {
            this.bias = null;
        }
    }

    /** A square-kernel convolution with stride 1, no padding, bias. */
    public static Conv2d of(long in, long out, long kernel) {
        return new Conv2d(in, out, kernel, kernel, 1, true);
    }

    /** Full control: kernel height and width, groups, bias on or off. */
    public static Conv2d of(long in, long out, long kernelH, long kernelW, long groups, boolean bias) {
        return new Conv2d(in, out, kernelH, kernelW, groups, bias);
    }

    public Conv2d stride(long s) {
        return stride(s, s);
    }

    public Conv2d stride(long sh, long sw) {
        if (sh <= 0 || sw <= 0) throw new IllegalArgumentException("Conv2d stride must be positive, got " + sh + "x" + sw);
        if ("same".equals(paddingMode) && (sh != 1 || sw != 1)) throw new IllegalArgumentException("padding='same' needs stride 1");
        stride = new long[] {sh, sw};
        return this;
    }

    public Conv2d padding(long p) {
        return padding(p, p);
    }

    public Conv2d padding(long ph, long pw) {
        if (ph < 0 || pw < 0) throw new IllegalArgumentException("Conv2d padding must be >= 0, got " + ph + "x" + pw);
        padding = new long[] {ph, pw};
        paddingMode = null;
        return this;
    }

    /** {@code "same"} (output as large as the input; stride 1 only) or {@code "valid"} (no padding). */
    public Conv2d padding(String mode) {
        String m = mode.toLowerCase(Locale.ROOT);
        if (!m.equals("same") && !m.equals("valid")) throw new IllegalArgumentException("padding must be 'same', 'valid' or a number, got '" + mode + "'");
        if (m.equals("same") && (stride[0] != 1 || stride[1] != 1)) throw new IllegalArgumentException("padding='same' needs stride 1");
        paddingMode = m;
        padding = new long[] {0, 0};
        return this;
    }

    public Conv2d dilation(long d) {
        return dilation(d, d);
    }

    public Conv2d dilation(long dh, long dw) {
        if (dh <= 0 || dw <= 0) throw new IllegalArgumentException("Conv2d dilation must be positive, got " + dh + "x" + dw);
        dilation = new long[] {dh, dw};
        return this;
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null. */
    public Tensor bias() {
        return bias;
    }

    public long inChannels() {
        return in;
    }

    public long outChannels() {
        return out;
    }

    public long[] kernelSize() {
        return kernel.clone();
    }

    @Override public Tensor forward(Tensor x) {
        int d = x.dim();
        if (d != 3 && d != 4) throw new IllegalArgumentException("expected a 4-d input [N, " + in + ", H, W] (or 3-d without batch), got " + F.shape(x));
        long c = x.size(d - 3);
        if (c != in) throw new IllegalArgumentException("expected " + in + " input channels, got " + c + " (input " + F.shape(x) + ")");
        return paddingMode != null
                ? F.conv2d(x, weight, bias, stride, paddingMode, dilation, groups)
                : F.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    /** Output height or width for an input of {@code size} along axis 0 (height) or 1 (width). */
    public long outputSize(long size, int axis) {
        if ("same".equals(paddingMode)) return size;
        return (size + 2 * padding[axis] - dilation[axis] * (kernel[axis] - 1) - 1) / stride[axis] + 1;
    }

    @Override protected String extraRepr() {
        StringBuilder s = new StringBuilder().append(in).append(", ").append(out)
                .append(", kernel_size=").append(pair(kernel)).append(", stride=").append(pair(stride));
        if (paddingMode != null) s.append(", padding=").append(paddingMode);
        else if (padding[0] != 0 || padding[1] != 0) s.append(", padding=").append(pair(padding));
        if (dilation[0] != 1 || dilation[1] != 1) s.append(", dilation=").append(pair(dilation));
        if (groups != 1) s.append(", groups=").append(groups);
        if (bias == null) s.append(", bias=False");
        return s.toString();
    }

    static String pair(long[] p) {
        return "(" + p[0] + ", " + p[1] + ")";
    }
}
