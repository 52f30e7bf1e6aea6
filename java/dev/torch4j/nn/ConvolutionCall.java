package dev.torch4j.nn;

import org.bytedeco.pytorch.TensorVector;

/**
 * One hooked convolution call (NativeConvGrad, FewChannelConv): its geometry, which gradients it owes, and its own
 * handles to the input and weight, with their version counters at the forward so that the backward can refuse them
 * changed in place, as libtorch refuses a saved tensor whose version moved.
 */
abstract class ConvolutionCall extends HookedBackward {
    /** {n, in_c, in_h, in_w, out_c, kernel_h, kernel_w, out_h, out_w, stride_h, stride_w, pad_h, pad_w}, as the shim takes it. */
    final long[] geometry;
    final long[] stride, padding;
    final boolean weightGrad, biasGrad;
    final org.bytedeco.pytorch.Tensor input, weight;
    private final long inputVersion, weightVersion;

    ConvolutionCall(long[] geometry, long[] stride, long[] padding, boolean weightGrad, boolean biasGrad,
                    org.bytedeco.pytorch.Tensor input, org.bytedeco.pytorch.Tensor weight) {
        this.geometry = geometry;
        this.stride = stride;
        this.padding = padding;
        this.weightGrad = weightGrad;
        this.biasGrad = biasGrad;
        this.input = keep(input);
        this.weight = keep(weight); // not a carrier: the carrier's node holds the token, which must go with the graph
        this.inputVersion = input._version();
        this.weightVersion = weight._version();
    }

    /** Checks that input and weight are unchanged, then {@link #convolutionGradients} of a contiguous output gradient. */
    @Override final TensorVector gradients(org.bytedeco.pytorch.Tensor gradOutput) {
        checkUnchanged();
        return convolutionGradients(gradOutput.contiguous());
    }

    /** The gradients the hooked node returns, from the output's gradient (contiguous). */
    abstract TensorVector convolutionGradients(org.bytedeco.pytorch.Tensor gradOutput);

    /** Throws when the input or the weight was modified in place since the forward. */
    private void checkUnchanged() {
        checkUnchanged("a convolution", input, inputVersion, weight, weightVersion);
    }
}
