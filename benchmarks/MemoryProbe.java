// Prints live JavaCPP native objects, RSS and Java heap after each epoch of LeNet on the test slice of
// Fashion-MNIST. Run from the repository root after `mvn -DskipTests package`:
//   javac -cp target/torch4j.jar -d /tmp benchmarks/MemoryProbe.java && java -Xmx48m -Xms48m -cp target/torch4j.jar:/tmp MemoryProbe
import dev.torch4j.data.TensorDataset;
import dev.torch4j.io.StateDict;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;
import org.bytedeco.javacpp.Pointer;
import java.nio.file.Path;
public class MemoryProbe { public static void main(String[] a) {
  StateDict fx = StateDict.load(Path.of("tests/resources/fixtures/fmnist-slice.safetensors"));
  TensorDataset tr = new TensorDataset(fx.get("train_images").float32().div(255).unsqueeze(1), fx.get("train_labels"));
  Torch.manualSeed(0);
  Layer m = new dev.torch4j.recipes.LeNet();
  Callback probe = new Callback() { public boolean onEpochEnd(EpochResult r, Layer mm) {
    System.out.printf("epoch %2d  live native objects %d  RSS %.1f MB  heap used %.1f MB%n", r.epoch(), Pointer.totalCount(), Pointer.physicalBytes() / 1e6, (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1e6); return false; } };
  Trainer.of(m).epochs(60).batchSize(64).seed(0).quiet(true).callbacks(probe).fit(tr, null);
}}
