// What a node hook pair costs: backward of a 4-element graph (y = 2x, sum) with no hook, a pre-hook, or a pre- and a
// post-hook on y's node (new hook objects each call, owned by the node, as HookedBackward does). Median us of 2000, 2 rounds.
//   java -cp 'target/classes:target/lib/*' benchmarks/HookCostProbe.java
import org.bytedeco.javacpp.*;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;
public class HookCostProbe {
    static final List<Object> keep = new ArrayList<>();
    public static void main(String[] a) {
        dev.torch4j.tensor.Torch.setThreads(2);
        FunctionPreHook pre = new FunctionPreHook() { @Override public TensorVector apply(TensorVector g) { return new TensorVector(g.get(0)); } };
        FunctionPostHook post = new FunctionPostHook() { @Override public TensorVector apply(TensorVector o, TensorVector i) { TensorVector r = new TensorVector(); for (long k = 0; k < o.size(); k++) r.push_back(o.get(k)); return r; } };
        pre.retainReference(); post.retainReference();
        FunctionPreHook preNoAlloc = new FunctionPreHook() { @Override public TensorVector apply(TensorVector g) { return g; } };
        preNoAlloc.retainReference();
        Tensor x = torch.randn(4).set_requires_grad(true);
        for (int r = 0; r < 3; r++) for (int mode = 0; mode < 4; mode++) {
            int n = 2000; double[] t = new double[n];
            for (int i = 0; i < n; i++) try (PointerScope s = new PointerScope()) {
                Tensor y = x.mul(new Scalar(2.0));
                Node node = y.grad_fn();
                FunctionPreHook p1 = mode == 3 ? new FunctionPreHook() { @Override public TensorVector apply(TensorVector g) { return g; } }
                        : new FunctionPreHook() { @Override public TensorVector apply(TensorVector g) { return new TensorVector(g.get(0)); } };
                FunctionPostHook p2 = new FunctionPostHook() { @Override public TensorVector apply(TensorVector o, TensorVector i) { TensorVector r = new TensorVector(); for (long k = 0; k < o.size(); k++) r.push_back(o.get(k)); return r; } };
                p1.retainReference(); p2.retainReference(); p1.deallocate(false); p2.deallocate(false); keep.add(p1); keep.add(p2);
                if (mode >= 1) node.add_pre_hook(p1);
                if (mode == 2) node.add_post_hook(p2);
                Tensor l = y.sum();
                long t0 = System.nanoTime();
                l.backward();
                t[i] = (System.nanoTime() - t0) / 1e3;
            }
            Arrays.sort(t);
            System.out.printf(Locale.ROOT, "mode %d (%s): backward median %.1f us%n", mode, new String[] {"no hook", "pre-hook", "pre+post", "pre-hook returning its argument"}[mode], t[n / 2]);
        }
    }
}
