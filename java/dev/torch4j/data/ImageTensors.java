package dev.torch4j.data;

import dev.torch4j.shim.Shim;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.BytePointer;

/**
 * uint8 pixels to normalised float32 tensors, done by the native shim straight into the tensor's memory
 * (one pass, multithreaded): ToTensor and Normalize of torchvision in one step.
 */
public final class ImageTensors {
    private ImageTensors() {}

    /**
     * Converts {@code n} images of {@code h x w} pixels with {@code c} channels into a float32 tensor
     * [n, c, h, w] holding (v / 255 - mean[c]) / std[c]. {@code channelsLast} says whether the pixels are
     * laid out HWC per image (as decoders produce) or CHW. Null mean/std mean 0 and 1 (plain ToTensor).
     */
    public static Tensor fromPixels(byte[] pixels, int n, int h, int w, int c, boolean channelsLast, float[] mean, float[] std) {
        long expected = (long) n * h * w * c;
        if (n <= 0 || h <= 0 || w <= 0 || c <= 0) throw new IllegalArgumentException("image sizes must be positive, got n=" + n + " h=" + h + " w=" + w + " c=" + c);
        if (pixels.length != expected) {
            throw new IllegalArgumentException(n + " images of " + h + "x" + w + "x" + c + " need " + expected + " bytes, got " + pixels.length);
        }
        Tensor out = Tensor.zeros(DType.FLOAT32, n, c, h, w);
        try (BytePointer src = new BytePointer(pixels)) {
            Shim.u8ToF32(src, out.handle().data_ptr(), n, h, w, c, channelsLast, mean, std, 0);
        }
        return out;
    }
}
