package dev.torch4j.shim;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of the C interface in {@code cpp/include/torch4j/shim.h}. The javacpp Maven plugin
 * compiles its JNI glue and bundles it with {@code libtorch4j_shim} under
 * {@code dev/torch4j/shim/<platform>/}. Use {@link Shim}, which loads it and reports a missing library.
 */
@Platform(include = "torch4j/shim.h", link = "torch4j_shim")
public final class NativeShim {
    static {
        Loader.load();
    }

    private NativeShim() {}

    public static final int LAYOUT_NHWC = 0;
    public static final int LAYOUT_NCHW = 1;
    public static final int OK = 0;

    public static native int t4j_u8_to_f32(@Cast("const uint8_t*") Pointer src, @Cast("float*") Pointer dst,
            long n, long h, long w, long c, int layout, FloatPointer mean, FloatPointer std, int threads);

    public static native int t4j_tune_allocator(long mmapThreshold, long trimThreshold);

    public static native @Cast("const char*") BytePointer t4j_version();
}
