package dev.torch4j.tensor;

import org.bytedeco.pytorch.global.torch.ScalarType;

/** Element types, named as in PyTorch. */
public enum DType {
    FLOAT32(ScalarType.Float, "float32"),
    FLOAT64(ScalarType.Double, "float64"),
    FLOAT16(ScalarType.Half, "float16"),
    BFLOAT16(ScalarType.BFloat16, "bfloat16"),
    INT64(ScalarType.Long, "int64"),
    INT32(ScalarType.Int, "int32"),
    INT16(ScalarType.Short, "int16"),
    INT8(ScalarType.Char, "int8"),
    UINT8(ScalarType.Byte, "uint8"),
    BOOL(ScalarType.Bool, "bool");

    final ScalarType scalarType;
    private final String torchName;

    DType(ScalarType scalarType, String torchName) {
        this.scalarType = scalarType;
        this.torchName = torchName;
    }

    /** PyTorch's name, e.g. {@code float32}. */
    public String torchName() {
        return torchName;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
    }

    static DType of(ScalarType t) {
        for (DType d : values()) if (d.scalarType.value == t.value) return d; // compare codes: the binding may hand out other instances
        throw new IllegalArgumentException("unsupported libtorch scalar type " + t);
    }

    /** Looks a dtype up by PyTorch's name ({@code float32}, {@code int64}, ...). */
    public static DType byName(String name) {
        for (DType d : values()) if (d.torchName.equals(name)) return d;
        throw new IllegalArgumentException("unknown dtype '" + name + "'");
    }
}
