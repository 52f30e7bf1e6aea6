package dev.torch4j.tensor;

import org.bytedeco.pytorch.global.torch;

import java.util.Objects;

/** Where tensors live: the CPU, a CUDA GPU or Apple's Metal (MPS). */
public final class Device {
    public enum Type { CPU, CUDA, MPS }

    private final Type type;
    private final int index;

    private Device(Type type, int index) {
        this.type = type;
        this.index = index;
    }

    public static Device cpu() {
        return new Device(Type.CPU, -1);
    }

    public static Device cuda() {
        return cuda(0);
    }

    public static Device cuda(int index) {
        if (index < 0) throw new IllegalArgumentException("CUDA device index must be >= 0, got " + index);
        return new Device(Type.CUDA, index);
    }

    public static Device mps() {
        return new Device(Type.MPS, -1);
    }

    /** The best device present: CUDA, then MPS, then the CPU. */
    public static Device auto() {
        if (cudaAvailable()) return cuda(0);
        if (mpsAvailable()) return mps();
        return cpu();
    }

    /** Parses {@code auto}, {@code cpu}, {@code cuda}, {@code cuda:1} or {@code mps}. */
    public static Device parse(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("auto")) return auto();
        if (v.equals("cpu")) return cpu();
        if (v.equals("mps")) return mps();
        if (v.equals("cuda")) return cuda(0);
        if (v.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(v.substring(5)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad CUDA device '" + s + "': expected cuda:<index>");
            }
        }
        throw new IllegalArgumentException("unknown device '" + s + "': expected auto, cpu, cuda, cuda:N or mps");
    }

    public static boolean cudaAvailable() {
        Torch.init();
        try {
            return torch.cuda_is_available();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return false;
        }
    }

    public static int cudaDeviceCount() {
        return cudaAvailable() ? torch.cuda_device_count() : 0;
    }

    public static boolean mpsAvailable() {
        Torch.init();
        try {
            return torch.hasMPS();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return false;
        }
    }

    public Type type() {
        return type;
    }

    /** The device index, or -1 where the type has a single device. */
    public int index() {
        return index;
    }

    public boolean isAvailable() {
        switch (type) {
            case CPU: return true;
            case CUDA: return index < cudaDeviceCount();
            default: return mpsAvailable();
        }
    }

    org.bytedeco.pytorch.Device toNative() {
        return new org.bytedeco.pytorch.Device(toString());
    }

    static Device of(org.bytedeco.pytorch.Device d) {
        if (d.is_cuda()) return cuda(Math.max(0, d.index()));
        if (d.is_mps()) return mps();
        return cpu();
    }

    /** Throws a clear error when this device is not present on the machine. */
    public Device requireAvailable() {
        if (!isAvailable()) {
            throw new IllegalStateException("device " + this + " is not available here (CUDA: "
                    + (cudaAvailable() ? cudaDeviceCount() + " device(s)" : "no") + ", MPS: "
                    + (mpsAvailable() ? "yes" : "no") + "); use Device.auto() to take the best present");
        }
        return this;
    }

    @Override public boolean equals(Object o) {
        return o instanceof Device && ((Device) o).type == type && ((Device) o).index == index;
    }

    @Override public int hashCode() {
        return Objects.hash(type, index);
    }

    /** PyTorch's spelling: {@code cpu}, {@code cuda:0}, {@code mps}. */
    @Override public String toString() {
        String name = type.name().toLowerCase(java.util.Locale.ROOT);
        return index >= 0 ? name + ":" + index : name;
    }
}
