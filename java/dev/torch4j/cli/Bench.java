package dev.torch4j.cli;

import dev.torch4j.nn.F;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

import java.util.Arrays;
import java.util.List;

/**
 * The training-step benchmark: median time of forward, loss, backward and a plain SGD step on synthetic
 * data, the same work as {@code ../shared/reference/bench_step.py} does with PyTorch.
 */
final class Bench {
    private Bench() {}

    /** Returns the per-step times in milliseconds (after {@code warmup} untimed steps). */
    static double[] run(Layer model, long[] inputShape, int batch, int steps, int warmup, double lr) {
        Torch.manualSeed(0);
        long[] shape = inputShape.clone();
        shape[0] = batch;
        Tensor x, y;
        boolean binary;
        try (Scope s = Scope.open()) {
            x = s.keep(Tensor.randn(shape));
            long classes;
            try (Torch.NoGrad g = Torch.noGrad()) { // eval: batch norm cannot train on one sample
                classes = model.eval().call(x.narrow(0, 0, 1)).size(1);
            }
            model.train();
            binary = classes == 1;
            y = s.keep(Tensor.randint(Math.max(classes, 2), batch));
        }
        Tensor target = binary ? y.float32() : y;
        List<Tensor> params = model.trainableParameters();
        double[] times = new double[steps];
        for (int i = 0; i < steps + warmup; i++) {
            long t0 = System.nanoTime();
            try (Scope s = Scope.open()) {
                Tensor logits = model.call(x);
                Tensor loss = binary ? F.binaryCrossEntropyWithLogits(logits.select(1, 0), target) : F.crossEntropy(logits, target);
                for (Tensor p : params) p.clearGrad();
                loss.backward();
                try (Torch.NoGrad g = Torch.noGrad()) {
                    for (Tensor p : params) p.handle().add_(p.grad().handle(), new org.bytedeco.pytorch.Scalar(-lr));
                }
            }
            if (i >= warmup) times[i - warmup] = (System.nanoTime() - t0) / 1e6;
        }
        return times;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
