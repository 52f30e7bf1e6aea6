// Do denormal floats slow an MNIST-type recipe's later epochs? The recipe's own model, optimizer and data path (bytes
// normalised per batch, as `train --recipe` does), Trainer.fit for EPOCHS epochs, seconds per epoch, with the CPU's
// flush-to-zero / denormals-are-zero modes off or on (libtorch's Context.setFlushDenormal, set before the first parallel
// region so that the OpenMP workers inherit it).
//   java -cp 'target/classes:target/lib/*' benchmarks/FlushDenormalProbe.java RECIPE EPOCHS off|on
import dev.torch4j.data.*;
import dev.torch4j.nn.*;
import dev.torch4j.recipes.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;
import java.nio.file.Path;
import java.util.*;

public class FlushDenormalProbe {
    public static void main(String[] a) {
        boolean ftz = a[2].equals("on");
        if (ftz && !org.bytedeco.pytorch.Context.setFlushDenormal(true)) throw new IllegalStateException("flush-denormal not supported");
        Torch.setThreads(2);
        Recipe r = Recipes.get(a[0]);
        MnistData data = FashionMnist.load(Path.of("/usr/share/datasets/fashion-mnist"));
        Normalization norm = switch (r.norm()) {
            case FIXED_MNIST -> Normalization.MNIST;
            case FROM_DATA -> Normalization.fromData(data.train(null));
            case NONE -> null;
        };
        Torch.manualSeed(42);
        Layer m = r.model().get();
        History h = Trainer.of(m).optimizer(r.optimizer().get()).batchSize(r.batch()).seed(42).shuffle(r.shuffle())
                .epochs(Integer.parseInt(a[1])).quiet(true).fit(data.train(norm), null);
        System.out.printf(Locale.ROOT, "%s flush-denormal %s: epoch seconds %s%n", r.name(), a[2], Arrays.toString(h.series("seconds")));
    }
}
