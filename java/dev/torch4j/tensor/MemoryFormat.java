package dev.torch4j.tensor;

/**
 * How a 4-d tensor's elements lie in memory (PyTorch's {@code torch.memory_format}); its shape stays [N, C, H, W]
 * either way. {@link #CHANNELS_LAST} stores each pixel's channels together (NHWC strides), which oneDNN's and cuDNN's
 * convolutions prefer: seed 002's cat classifier trains 1.5-1.6x faster with channels-last weights here
 * (docs/benchmarks.md). Files are always written contiguous, as PyTorch writes them.
 */
public enum MemoryFormat {
    CONTIGUOUS(org.bytedeco.pytorch.global.torch.MemoryFormat.Contiguous),
    CHANNELS_LAST(org.bytedeco.pytorch.global.torch.MemoryFormat.ChannelsLast);

    final org.bytedeco.pytorch.global.torch.MemoryFormat native_;

    MemoryFormat(org.bytedeco.pytorch.global.torch.MemoryFormat n) {
        this.native_ = n;
    }

    /** Parses {@code contiguous} or {@code channels-last} (also {@code channels_last}). */
    public static MemoryFormat parse(String s) {
        String v = s.strip().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (v.equals("contiguous")) return CONTIGUOUS;
        if (v.equals("channels-last")) return CHANNELS_LAST;
        throw new IllegalArgumentException("memory format must be contiguous or channels-last, got '" + s + "'");
    }

    @Override public String toString() {
        return this == CONTIGUOUS ? "contiguous" : "channels-last";
    }
}
