import dev.torch4j.data.Batch;
import dev.torch4j.data.DataLoader;
import dev.torch4j.data.ImageFolder;
import dev.torch4j.data.Pipeline;
import dev.torch4j.data.Transforms;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Torch;

import java.nio.file.Path;

/**
 * Seed 002's augmented training pipeline with torch4j: ImageFolder + DataLoader (batch 20, shuffled,
 * prefetch 1), two epochs; prints images per second for each.
 * Usage: java -cp 'target/torch4j.jar:target/lib/*' benchmarks/PipelineBench.java DIR [THREADS] [exact]
 */
public class PipelineBench {
    public static void main(String[] args) {
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Pipeline train = Transforms.compose(
                Transforms.resize(150, 150),
                Transforms.randomRotation(40),
                Transforms.randomResizedCrop(150, 150).scale(0.8, 1.2),
                Transforms.randomHorizontalFlip(),
                Transforms.randomAffine(0).shear(20),
                Transforms.colorJitter(0.2, 0.2, 0.2),
                Transforms.toTensor(),
                Transforms.normalize(new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5}));
        ImageFolder data = ImageFolder.open(Path.of(args[0]), train).seed(42).threads(threads);
        if (args.length > 2 && args[2].equals("exact")) data = data.exactDecoding(true);
        Torch.init(); // load libtorch before timing, as the Python side has imported torch before its timer
        // Two epochs: the first includes the JVM's warm-up (JIT compilation competes for the cores),
        // the second is the steady state a training run sees from then on.
        String mode = args.length > 2 ? " " + args[2] : "";
        StringBuilder line = new StringBuilder("torch4j" + mode);
        for (int epoch = 1; epoch <= 2; epoch++) {
            long start = System.nanoTime(), n = 0;
            for (Batch b : DataLoader.shuffled(data, 20, 1)) {
                try (Scope s = Scope.open()) {
                    n += b.size();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            line.append(String.format(" epoch %d: %.1f images/s (%d images)", epoch, n / seconds, n));
        }
        System.out.println(line);
    }
}
