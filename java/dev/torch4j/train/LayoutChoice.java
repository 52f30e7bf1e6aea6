package dev.torch4j.train;

import dev.torch4j.tensor.MemoryFormat;

import java.util.Locale;

/**
 * The memory format a {@link Trainer#measureMemoryFormat(boolean) measuring} run chose, and the median step times it
 * measured in each (forward and backward of the training step on the first batch, milliseconds).
 */
public record LayoutChoice(MemoryFormat format, double contiguousMs, double channelsLastMs) {
    /** Channels-last must be this much faster to be chosen: where the two are close, contiguous (PyTorch's default) stays. */
    public static final double MARGIN = 0.9;

    /** The choice the rule makes for these times. */
    public static LayoutChoice of(double contiguousMs, double channelsLastMs) {
        return new LayoutChoice(channelsLastMs < MARGIN * contiguousMs ? MemoryFormat.CHANNELS_LAST : MemoryFormat.CONTIGUOUS,
                contiguousMs, channelsLastMs);
    }

    /** {@code channels-last (measured on the first batch: 342.1 ms/step, contiguous 530.6 ms)}. */
    @Override public String toString() {
        boolean last = format == MemoryFormat.CHANNELS_LAST;
        return String.format(Locale.ROOT, "%s (measured on the first batch: %.1f ms/step, %s %.1f ms)", format,
                last ? channelsLastMs : contiguousMs, last ? "contiguous" : "channels-last", last ? contiguousMs : channelsLastMs);
    }
}
