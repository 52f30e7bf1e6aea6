package dev.torch4j.nn;

import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;

/**
 * The ways torch4j computes a 2-d convolution other than libtorch's plain call, tried in order by {@link F#conv2d}:
 * a 1x1 output as one matrix product, then an input of few channels convolved by the shim ({@link FewChannelConv}),
 * then a strided convolution whose input gradient the shim computes ({@link NativeConvGrad}). Each returns null where its rule does not apply; libtorch convolves then.
 */
final class ConvolutionForms {
    /** {@code -Dtorch4j.denseOneByOne=false}: 1x1 outputs through libtorch's convolution too (an A/B switch). */
    private static final boolean DENSE_ONE_BY_ONE = !"false".equalsIgnoreCase(System.getProperty("torch4j.denseOneByOne"));

    private ConvolutionForms() {}

    /** The convolution in another form, or null (then libtorch's convolution). */
    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long[] stride, long[] padding, long[] dilation, long groups) {
        if (x.dim() != 4 || weight.dim() != 4 || stride.length != 2 || padding.length != 2 || dilation.length != 2) return null;
        Tensor y = matrixProduct(x, weight, bias, stride, padding, dilation, groups);
        if (y == null) y = FewChannelConv.conv2d(x, weight, bias, stride, padding, dilation, groups);
        return y != null ? y : NativeConvGrad.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * A convolution with a 1x1 output (the last layers of stride-2 stacks such as s0-cnn's) is one matrix product:
     * the output sees the input through the taps that fall inside it. On the CPU libtorch's matrix product and its
     * gradients take a fraction of oneDNN's convolution time there (docs/benchmarks.md, "The input's gradient of the
     * stride-2 convolutions, in the shim"). The same sums as the convolution, in another order. Null where the rule
     * does not apply.
     */
    static Tensor matrixProduct(Tensor x, Tensor weight, Tensor bias, long[] stride, long[] padding, long[] dilation, long groups) {
        if (!DENSE_ONE_BY_ONE || groups != 1 || dilation[0] != 1 || dilation[1] != 1) return null;
        if (!x.handle().is_cpu() || x.dtype() != DType.FLOAT32 || weight.dtype() != DType.FLOAT32) return null;
        long h = x.size(2), w = x.size(3), out = weight.size(0), kh = weight.size(2), kw = weight.size(3);
        if (weight.size(1) != x.size(1) || h + 2 * padding[0] < kh || w + 2 * padding[1] < kw) return null; // libtorch reports it
        if ((h + 2 * padding[0] - kh) / stride[0] + 1 != 1 || (w + 2 * padding[1] - kw) / stride[1] + 1 != 1) return null;
        // output (0, 0) reads input row r through tap r + padding: rows below kernel - padding
        long rows = Math.min(h, kh - padding[0]), cols = Math.min(w, kw - padding[1]);
        if (rows <= 0 || cols <= 0) return null; // every tap on padding: leave the zero output to libtorch
        Tensor inputs = rows == h && cols == w ? x : x.narrow(2, 0, rows).narrow(3, 0, cols);
        return F.linear(inputs.reshape(x.size(0), -1), taps(weight, padding, rows, cols), bias).reshape(x.size(0), out, 1, 1);
    }

    /**
     * The weight's taps rows x cols from (padding[0], padding[1]) as an [out, in * rows * cols] matrix, in the order of
     * the input's flattened window. One index_select over the flattened taps: the same slice cut by narrow + reshape is
     * a strided copy with two-float runs, 0.7-1.3 ms against 0.10 ms on s0-catdog's [384, 192, 3, 3] weight.
     */
    private static Tensor taps(Tensor weight, long[] padding, long rows, long cols) {
        long out = weight.size(0), in = weight.size(1), kh = weight.size(2), kw = weight.size(3);
        if (rows == kh && cols == kw) return weight.reshape(out, -1); // every tap: a view
        long[] index = new long[(int) (rows * cols)];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) index[(int) (r * cols + c)] = (padding[0] + r) * kw + padding[1] + c;
        Tensor flat = weight.reshape(out, in, kh * kw), at = Tensor.of(index, index.length);
        Tensor picked = Tensor.call(() -> org.bytedeco.pytorch.global.torch.index_select(flat.handle(), 2, at.handle()));
        return picked.reshape(out, -1);
    }
}
