// Where one training step of a seed model goes, part by part: each leaf layer's forward (timed around its call), each
// backward node (a pre-hook and a post-hook on every node of the graph time it: libtorch's CPU engine runs one node
// at a time), the loss, zero_grad and the optimizer step. Median over STEPS steps of a fixed N(0,1) batch, 2 threads.
// The PyTorch side is torch.profiler (benchmarks/step_timeline_pytorch.py).
//   java -cp 'target/classes:target/lib/*' benchmarks/StepTimeline.java [MODEL [BATCH [STEPS]]]   (default s0-cnn 512 60)
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.recipes.*;
import dev.torch4j.tensor.*;
import org.bytedeco.pytorch.FunctionPostHook;
import org.bytedeco.pytorch.FunctionPreHook;
import org.bytedeco.pytorch.Node;
import org.bytedeco.pytorch.TensorVector;
import java.util.*;

public class StepTimeline {
    static final List<String> names = new ArrayList<>();
    static final List<Long> starts = new ArrayList<>(), ends = new ArrayList<>();
    static final List<Object> keep = new ArrayList<>();

    static void leaves(Layer l, List<Layer> out) {
        if (l instanceof Sequential) for (Layer c : l.children()) leaves(c, out);
        else out.add(l);
    }

    static TensorVector copy(TensorVector v) {
        TensorVector c = new TensorVector();
        for (long i = 0; i < v.size(); i++) c.push_back(new org.bytedeco.pytorch.Tensor(v.get(i)));
        return c;
    }

    static String shape(TensorVector v) {
        for (long i = 0; i < v.size(); i++) if (v.get(i).defined()) return Arrays.toString(v.get(i).sizes().vec().get());
        return "";
    }

    /** Hooks every node reachable from root once; each records its start and end into slot i. */
    static void hookAll(Node root) {
        Deque<Node> todo = new ArrayDeque<>(List.of(root));
        Set<Long> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (n == null || n.isNull() || !seen.add(n.address())) continue;
            int slot = names.size();
            names.add(n.name().getString());
            starts.add(0L);
            ends.add(0L);
            FunctionPreHook pre = new FunctionPreHook() {
                @Override public TensorVector apply(TensorVector g) {
                    starts.set(slot, System.nanoTime());
                    return copy(g);
                }
            };
            FunctionPostHook post = new FunctionPostHook() {
                @Override public TensorVector apply(TensorVector out, TensorVector in) {
                    ends.set(slot, System.nanoTime());
                    if (names.get(slot).indexOf('[') < 0) names.set(slot, names.get(slot) + " " + shape(in));
                    return copy(out);
                }
            };
            pre.retainReference();
            post.retainReference();
            pre.deallocate(false);
            post.deallocate(false);
            keep.add(pre);
            keep.add(post);
            n.add_pre_hook(pre);
            n.add_post_hook(post);
            for (long i = 0; i < n.num_outputs(); i++) {
                Node f = n.next_edge(i).function();
                if (f != null && !f.isNull()) todo.push(f);
            }
        }
    }

    public static void main(String[] a) {
        String model = a.length > 0 ? a[0] : "s0-cnn";
        int batch = a.length > 1 ? Integer.parseInt(a[1]) : 512, steps = a.length > 2 ? Integer.parseInt(a[2]) : 60;
        Torch.setThreads(2);
        Torch.manualSeed(1);
        Layer m = SeedModels.get(model).create();
        m.train(true);
        long[] shape = SeedModels.get(model).inputShape().clone();
        shape[0] = batch;
        Tensor x = Tensor.randn(shape);
        long classes;
        try (Torch.NoGrad g = Torch.noGrad()) {
            classes = m.call(x).size(1); // targets drawn over the model's own classes
        }
        Tensor y = Tensor.randint(classes, batch);
        Optimizer opt = Sgd.of(0.06).on(m);
        List<Layer> ls = new ArrayList<>();
        leaves(m, ls);
        Map<String, double[]> t = new LinkedHashMap<>();
        double[] total = new double[steps];
        for (int s = -10; s < steps; s++) {
            names.clear(); starts.clear(); ends.clear();
            try (Scope scope = Scope.open()) { // as the Trainer's step: the step's tensors are freed at its end
            Map<String, Long> fw = new LinkedHashMap<>();
            long t0 = System.nanoTime();
            Tensor h = x;
            for (int i = 0; i < ls.size(); i++) {
                long a0 = System.nanoTime();
                h = ls.get(i).call(h);
                fw.put(String.format("fwd %2d %-12s %s", i, ls.get(i).getClass().getSimpleName(), Arrays.toString(h.shape())), System.nanoTime() - a0);
            }
            long l0 = System.nanoTime();
            Tensor loss = F.crossEntropy(h, y);
            fw.put("fwd    cross entropy", System.nanoTime() - l0);
            long h0 = System.nanoTime();
            hookAll(loss.handle().grad_fn());
            long hooking = System.nanoTime() - h0;
            long z0 = System.nanoTime();
            opt.zeroGrad();
            long z = System.nanoTime() - z0, b0 = System.nanoTime();
            loss.backward();
            long b = System.nanoTime() - b0, o0 = System.nanoTime();
            opt.step();
            long o = System.nanoTime() - o0;
            if (s < 0) continue; // warm-up
            total[s] = (System.nanoTime() - t0 - hooking) / 1e6;
            for (var e : fw.entrySet()) t.computeIfAbsent(e.getKey(), k -> new double[steps])[s] = e.getValue() / 1e6;
            t.computeIfAbsent("zero_grad", k -> new double[steps])[s] = z / 1e6;
            t.computeIfAbsent("backward (whole, hooks included)", k -> new double[steps])[s] = b / 1e6;
            Integer[] order = new Integer[names.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            Arrays.sort(order, Comparator.comparing(starts::get));
            int k = 0;
            for (int i : order) {
                if (starts.get(i) == 0) continue;
                t.computeIfAbsent(String.format("bwd %2d %s", k++, names.get(i)), q -> new double[steps])[s] = (ends.get(i) - starts.get(i)) / 1e6;
            }
            t.computeIfAbsent("optimizer step", q -> new double[steps])[s] = o / 1e6;
            }
        }
        double sum = 0;
        for (var e : t.entrySet()) {
            double[] v = e.getValue().clone();
            Arrays.sort(v);
            if (!e.getKey().startsWith("backward (")) sum += v[steps / 2];
            System.out.printf(Locale.ROOT, "%8.3f ms  %s%n", v[steps / 2], e.getKey());
        }
        Arrays.sort(total);
        System.out.printf(Locale.ROOT, "%8.3f ms  sum of the parts' medians; median step %.3f ms (%s, batch %d, %d steps)%n", sum, total[steps / 2], model, batch, steps);
    }
}
