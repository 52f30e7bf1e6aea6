// Does channels-last pay in torch4j? Median training step of a seed or zoo model, contiguous (NCHW) against
// channels-last (NHWC-strided weights and input), interleaved per round, 2 threads, synthetic data:
//   java -cp 'target/classes:target/lib/*' benchmarks/ChannelsLastProbe.java MODEL BATCH STEPS ROUNDS
import dev.torch4j.nn.*;
import dev.torch4j.recipes.*;
import dev.torch4j.tensor.*;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.List;

public class ChannelsLastProbe {
    public static void main(String[] a) {
        String name = a[0];
        int batch = Integer.parseInt(a[1]), steps = Integer.parseInt(a[2]), rounds = Integer.parseInt(a[3]);
        Torch.setThreads(2);
        for (int r = 0; r < rounds; r++) {
            for (int variant = 0; variant < 3; variant++) { boolean last = variant > 0, inputToo = variant == 2;
                Torch.manualSeed(0);
                Layer m = name.startsWith("resnet") || name.startsWith("vgg") ? dev.torch4j.vision.Zoo.create(name, 1000) : SeedModels.get(name).factory().get();
                long[] shape = name.startsWith("resnet") || name.startsWith("vgg") ? new long[] {batch, 3, 224, 224} : SeedModels.get(name).inputShape().clone();
                shape[0] = batch;
                Tensor x = Tensor.randn(shape);
                if (last) {
                    for (Tensor p : m.parameters()) if (p.dim() == 4) p.handle().set_data(p.handle().contiguous(torch.MemoryFormat.ChannelsLast));
                    if (inputToo) x = Tensor.wrap(x.handle().contiguous(torch.MemoryFormat.ChannelsLast));
                }
                long classes;
                try (Torch.NoGrad g = Torch.noGrad()) {
                    classes = m.eval().call(x.narrow(0, 0, 1)).size(1);
                }
                m.train();
                Tensor y = Tensor.randint(Math.max(classes, 2), batch);
                List<Tensor> params = m.trainableParameters();
                double[] t = new double[steps];
                for (int i = 0; i < steps + 5; i++) {
                    long t0 = System.nanoTime();
                    try (Scope s = Scope.open()) {
                        Tensor logits = m.call(x);
                        Tensor loss = classes == 1 ? F.binaryCrossEntropyWithLogits(logits.select(1, 0), y.float32()) : F.crossEntropy(logits, y);
                        for (Tensor p : params) p.clearGrad();
                        loss.backward();
                        try (Torch.NoGrad g = Torch.noGrad()) {
                            for (Tensor p : params) p.handle().add_(p.grad().handle(), new org.bytedeco.pytorch.Scalar(-0.01));
                        }
                    }
                    if (i >= 5) t[i - 5] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(t);
                System.out.printf(java.util.Locale.ROOT, "round %d %s batch %d %s: median %.2f ms/step%n", r, name, batch, variant == 0 ? "contiguous" : inputToo ? "channels-last weights and input" : "channels-last weights only", t[steps / 2]);
            }
        }
    }
}
