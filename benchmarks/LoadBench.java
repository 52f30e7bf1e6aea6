// Reading a state dict: java -cp target/classes:target/lib/* benchmarks/LoadBench.java FILE... (median of 5 loads each)
import dev.torch4j.io.StateDict;
import dev.torch4j.tensor.Scope;
import java.nio.file.Path;
public class LoadBench {
    public static void main(String[] a) {
        for (String f : a) {
            double[] t = new double[5];
            for (int i = 0; i < 5; i++) {
                try (Scope s = Scope.open()) {
                    long t0 = System.nanoTime();
                    StateDict sd = StateDict.load(Path.of(f));
                    t[i] = (System.nanoTime() - t0) / 1e9;
                    if (i == 0) System.out.println(f + ": " + sd.size() + " tensors");
                }
            }
            java.util.Arrays.sort(t);
            System.out.printf("%s StateDict.load median %.3f s%n", f, t[2]);
        }
    }
}
