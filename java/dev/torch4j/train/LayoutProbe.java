package dev.torch4j.train;

import dev.torch4j.data.Batch;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Generator;
import dev.torch4j.tensor.MemoryFormat;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Times the training step (forward and backward, no optimizer step) on one batch with the model's convolution weights
 * contiguous and channels-last, interleaved, and leaves the model as it found it: same weights and buffers (batch norm
 * statistics restored), no gradients, the caller's random streams untouched. Which layout wins depends on the model,
 * the batch and the machine (docs/benchmarks.md: channels-last 1.6x faster for seed 002's cat classifier here, 0.7x for
 * seed 004's same-padded 28x28 network), so it is measured rather than guessed.
 */
final class LayoutProbe {
    private static final int ROUNDS = 2;
    private static final int MIN_STEPS = 2, MAX_STEPS = 3;
    private static final double BUDGET_MS = 1500; // per layout and round, after the warm-up step

    private LayoutProbe() {}

    /** True when the model has a 4-d parameter, the only kind a memory format changes. */
    static boolean applies(Layer model) {
        for (Tensor p : model.parameters()) if (p.dim() == 4) return true;
        return false;
    }

    static LayoutChoice measure(Layer model, TrainStep step, Batch batch) {
        MemoryFormat before = model.memoryFormat();
        List<Double> contiguous = new ArrayList<>(), last = new ArrayList<>();
        try (Scope outer = Scope.open()) { // the buffer copies go when it closes
            Map<String, Tensor> buffers = model.namedBuffers();
            List<Tensor> saved = new ArrayList<>();
            try (Torch.NoGrad g = Torch.noGrad()) {
                for (Tensor b : buffers.values()) saved.add(b.clone());
            }
            try (Generator.Use u = Generator.seeded(0).use()) { // dropout and random layers draw from a throwaway stream
                for (int r = 0; r < ROUNDS; r++) {
                    time(model.to(MemoryFormat.CONTIGUOUS), step, batch, contiguous);
                    time(model.to(MemoryFormat.CHANNELS_LAST), step, batch, last);
                }
            } finally {
                try (Torch.NoGrad g = Torch.noGrad()) {
                    int i = 0;
                    for (Tensor b : buffers.values()) b.copy_(saved.get(i++));
                }
                for (Tensor p : model.parameters()) p.clearGrad();
                model.to(before);
            }
        }
        return LayoutChoice.of(median(contiguous), median(last));
    }

    private static void time(Layer model, TrainStep step, Batch batch, List<Double> into) {
        double spent = 0;
        for (int i = 0; i <= MAX_STEPS && (i <= MIN_STEPS || spent < BUDGET_MS); i++) { // step 0 warms up
            long t0 = System.nanoTime();
            try (Scope s = Scope.open()) {
                for (Tensor p : model.parameters()) p.clearGrad();
                Tensor loss = step.run(model, batch).loss();
                loss.backward();
                loss.item(); // waits for the device
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            if (i == 0) continue; // the first step in a layout creates its kernels
            into.add(ms);
            spent += ms;
        }
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
