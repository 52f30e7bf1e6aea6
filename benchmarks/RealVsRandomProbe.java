// Does the training step's speed depend on the data? One process, the same model, alternating: a fixed batch of real
// Fashion-MNIST images (as the recipe normalises them) against a fixed batch of N(0, 1) noise with random labels (what
// `bench` and bench_step.py time). SGD (lr 0.01) or Adam (lr 1e-3), 2 threads, median of 150 steps after 20, a fresh model each time.
// PyTorch's side: benchmarks/real_vs_random_pytorch.py.
//   java -cp 'target/classes:target/lib/*' benchmarks/RealVsRandomProbe.java MODEL BATCH none|mnist|data sgd|adam [ROUNDS]
import dev.torch4j.data.*;
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.recipes.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;
import java.nio.file.Path;
import java.util.*;

public class RealVsRandomProbe {
    public static void main(String[] a) {
        String model = a[0];
        int batch = Integer.parseInt(a[1]), rounds = a.length > 4 ? Integer.parseInt(a[4]) : 3;
        boolean adam = a[3].equals("adam");
        Torch.setThreads(2);
        Torch.manualSeed(0);
        MnistData data = FashionMnist.load(Path.of("/usr/share/datasets/fashion-mnist"));
        Tensor images = data.train().inputs();
        Normalization norm = switch (a[2]) { case "mnist" -> Normalization.MNIST; case "data" -> Normalization.fromData(images); default -> null; };
        if (norm != null) images = norm.apply(images);
        Tensor real = images.narrow(0, 0, batch).clone(), realY = data.train().targets().narrow(0, 0, batch).clone();
        Tensor noise = Tensor.randn(batch, 1, 28, 28), noiseY = Tensor.randint(10, batch);
        CrossEntropyLoss ce = Loss.crossEntropy();
        for (int r = 1; r <= rounds; r++)
            for (String kind : List.of("real", "random")) {
                Tensor x = kind.equals("real") ? real : noise, y = kind.equals("real") ? realY : noiseY;
                Layer m = SeedModels.get(model).factory().get();
                Optimizer opt = adam ? Adam.of(1e-3).on(m) : Sgd.of(0.01).on(m);
                double[] t = new double[150];
                for (int i = 0; i < 170; i++) {
                    long t0 = System.nanoTime();
                    try (Scope s = Scope.open()) {
                        opt.zeroGrad();
                        ce.compute(m.call(x), y).backward();
                        opt.step();
                    }
                    if (i >= 20) t[i - 20] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(t);
                System.out.printf(Locale.ROOT, "round %d %s batch %d %s " + a[3] + ": median %.2f ms/step%n", r, model, batch, kind, t[75]);
            }
    }
}
