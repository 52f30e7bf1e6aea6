package dev.torch4j.shim;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * JavaCPP binding of the C interface in {@code cpp/include/torch4j/shim.h}. The javacpp Maven plugin
 * compiles its JNI glue and bundles it with {@code libtorch4j_shim} under
 * {@code dev/torch4j/shim/<platform>/}. Use {@link Shim}, which loads it and reports a missing library.
 */
// preload: the image libraries bundled beside the shim (cmake/Torch4jBundle.cmake), put into the jar by the javacpp
// plugin and loaded before the shim; macOS takes zlib from the system. Windows links them statically (vcpkg).
@Properties({
    @Platform(include = "torch4j/shim.h", link = "torch4j_shim"),
    @Platform(value = "linux", preload = {"z@.1", "png16@.16", "jpeg@.62"}),
    @Platform(value = "macosx", preload = {"png16@.16", "jpeg@.8"})})
public final class NativeShim {
    static {
        Loader.load();
    }

    private NativeShim() {}

    public static final int LAYOUT_NHWC = 0;
    public static final int LAYOUT_NCHW = 1;
    public static final int OK = 0;
    public static final int BAD_ARGUMENT = 1;

    public static native int t4j_u8_to_f32(@Cast("const uint8_t*") Pointer src, @Cast("float*") Pointer dst,
            long n, long h, long w, long c, int layout, FloatPointer mean, FloatPointer std, int threads);

    public static final int SAMPLE_ERRORS = 2;
    public static final int STATUS_DECODE = 2;
    public static final int STATUS_SHAPE = 3;

    public static final int OP_RESIZE = 1, OP_CENTER_CROP = 2, OP_RANDOM_RESIZED_CROP = 3, OP_RANDOM_ROTATION = 4,
            OP_RANDOM_AFFINE = 5, OP_RANDOM_HFLIP = 6, OP_COLOR_JITTER = 7, OP_GRAYSCALE = 8, OP_TO_TENSOR = 9,
            OP_NORMALIZE = 10, OP_CROP = 11, OP_HFLIP = 12, OP_ROTATE = 13, OP_AFFINE = 14, OP_ADJUST = 15;

    public static native int t4j_pipeline_check(@Cast("const double*") DoublePointer program, long length,
            @Cast("char*") BytePointer error, long errorSize);

    public static native int t4j_pipeline_output_shape(@Cast("const double*") DoublePointer program, long length,
            long inH, long inW, long inC, int quantized, @Cast("int64_t*") LongPointer outChw,
            @Cast("char*") BytePointer error, long errorSize);

    public static native int t4j_pipeline_draw(@Cast("const double*") DoublePointer program, long length, long h, long w,
            long seed, @Cast("double*") DoublePointer out, @Cast("int64_t*") LongPointer count, @Cast("char*") BytePointer error,
            long errorSize);

    public static native int t4j_image_info(@Cast("const char*") BytePointer path, @Cast("int64_t*") LongPointer hwc,
            @Cast("char*") BytePointer error, long errorSize);

    public static native int t4j_pipeline_run_files(@Cast("const double*") DoublePointer program, long length,
            @Cast("const char*") BytePointer paths, @Cast("const int64_t*") LongPointer offsets, long n,
            @Cast("const int64_t*") LongPointer seeds, int fastDecode, @Cast("float*") Pointer dst, int outLayout, long c, long h,
            long w, int threads, @Cast("int32_t*") IntPointer status, @Cast("char*") BytePointer errors, long errorSize);

    public static native int t4j_pipeline_run_pixels(@Cast("const double*") DoublePointer program, long length,
            @Cast("const void*") Pointer src, int floatInput, int layout, long n, long inC, long inH, long inW,
            @Cast("const int64_t*") LongPointer seeds, @Cast("float*") Pointer dst, int outLayout, long c, long h, long w,
            int threads, @Cast("int32_t*") IntPointer status, @Cast("char*") BytePointer errors, long errorSize);

    public static native int t4j_tune_allocator(long mmapThreshold, long trimThreshold, long topPad);

    public static native int t4j_max_pool2d_f32(@Cast("const float*") Pointer x, long planes, long h, long w,
            @Cast("const int64_t*") LongPointer geometry, @Cast("float*") Pointer y, @Cast("int64_t*") Pointer indices,
            int threads);

    public static native int t4j_adam_step_f32(@Cast("float*") Pointer param, @Cast("const float*") Pointer grad,
            @Cast("float*") Pointer expAvg, @Cast("float*") Pointer expAvgSq, @Cast("float*") Pointer maxExpAvgSq, long n,
            double lr, double beta1, double beta2, double eps, double weightDecay, int decoupled, double step);

    public static native int t4j_conv2d_grad_input_f32(@Cast("const float*") Pointer gradOutput,
            @Cast("const float*") Pointer weight, @Cast("float*") Pointer gradInput, @Cast("const int64_t*") LongPointer geometry,
            int threads);

    public static native int t4j_conv2d_few_channels_f32(@Cast("const float*") Pointer x, @Cast("const float*") Pointer weight,
            @Cast("const float*") Pointer bias, @Cast("float*") Pointer y, @Cast("const int64_t*") LongPointer geometry, int threads);

    public static native int t4j_conv2d_few_channels_grad_weight_f32(@Cast("const float*") Pointer x,
            @Cast("const float*") Pointer gradOutput, @Cast("float*") Pointer gradWeight, @Cast("float*") Pointer gradBias,
            @Cast("const int64_t*") LongPointer geometry, int threads);

    public static native int t4j_u8_rows_to_f32(@Cast("const uint8_t*") Pointer src, long count,
            @Cast("const int64_t*") LongPointer rows, long n, long c, long plane, @Cast("const float*") Pointer mean,
            @Cast("const float*") Pointer std, @Cast("float*") Pointer dst, int threads);

    public static native int t4j_batch_norm_train_f32(@Cast("const float*") Pointer x, @Cast("float*") Pointer y,
            @Cast("const float*") Pointer weight, @Cast("const float*") Pointer bias, @Cast("float*") Pointer saveMean,
            @Cast("float*") Pointer saveInvstd, @Cast("float*") Pointer runningMean, @Cast("float*") Pointer runningVar, long n,
            long c, long p, double momentum, double eps, int reluInput, int threads);

    public static native int t4j_batch_norm_train_backward_f32(@Cast("const float*") Pointer x,
            @Cast("const float*") Pointer gradOutput, @Cast("const float*") Pointer weight, @Cast("const float*") Pointer saveMean,
            @Cast("const float*") Pointer saveInvstd, @Cast("float*") Pointer gradInput, @Cast("float*") Pointer gradWeight,
            @Cast("float*") Pointer gradBias, long n, long c, long p, int reluInput, int threads);

    public static native int t4j_dropout_mask_f32(@Cast("float*") Pointer mask, long n, double keep, @Cast("uint64_t") long seed,
            int threads);

    public static native @Cast("const char*") BytePointer t4j_version();

    public static native int t4j_uses_openmp_team();
}
