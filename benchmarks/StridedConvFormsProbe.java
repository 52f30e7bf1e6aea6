// Can s0-cnn's stride-2 3x3 convolutions (padding 1) be computed faster than libtorch 2.10's oneDNN picks? Per layer, one of:
//   libtorch torch.conv2d itself (oneDNN)
//   direct  Conv2d as torch4j runs it (F.conv2d: ConvolutionForms, the 1x1 rule and NativeConvGrad)
//   s2d     space-to-depth: pad the input to even size, pixel_unshuffle(2) (4*Cin channels), one stride-1 2x2
//           convolution with the kernel padded to 4x4 and rearranged to [Cout, 4*Cin, 2, 2]
//   dense   for a 1x1 output: the taps that see the input are a matrix, y = x.flatten(1) @ W[:, :, taps].T + b
//   phase   oneDNN's forward and weight gradient, but the input's gradient as one stride-1 2x2 convolution into 4*Cin
//           "phase" channels + pixel_shuffle (benchmarks/GradInputProbe.java), through two tensor hooks: one on the
//           output keeps its gradient, one on an alias of the input returns the phases' result (the convolution sees
//           the input detached; a zero-valued sum of an empty slice of the alias, added to the weight, links it in)
// The whole s0-cnn training step (forward, cross-entropy, backward, SGD; fixed N(0,1) batch) for each assignment,
// interleaved per round, median ms of STEPS steps; and the max difference of each form's output and gradients from
// direct's.
//   java -cp 'target/classes:target/lib/*' benchmarks/StridedConvFormsProbe.java ROUNDS [STEPS] [s0-catdog | forms]
import dev.torch4j.nn.*;
import dev.torch4j.tensor.*;
import org.bytedeco.pytorch.global.torch;
import java.util.*;

public class StridedConvFormsProbe {
    enum Form { LIBTORCH, DIRECT, S2D, DENSE, PHASE }

    /** Conv2d(in, out, 3, stride 2, padding 1) computed in one of the forms, on the weights of a real Conv2d. */
    static final class FormConv extends Layer {
        final Conv2d conv;
        final Form form;

        final java.util.ArrayDeque<org.bytedeco.pytorch.Tensor> stash = new java.util.ArrayDeque<>();
        final org.bytedeco.pytorch.VoidTensorHook gyHook = new org.bytedeco.pytorch.VoidTensorHook() {
            { retainReference(); }
            @Override public void call(org.bytedeco.pytorch.TensorBase g) {
                stash.push(phaseGrad(new org.bytedeco.pytorch.Tensor(g), conv.weight().handle(), side));
            }
        };
        final org.bytedeco.pytorch.TensorTensorHook gxHook = new org.bytedeco.pytorch.TensorTensorHook() {
            { retainReference(); }
            @Override public org.bytedeco.pytorch.TensorBase call(org.bytedeco.pytorch.TensorBase g) {
                return stash.pop();
            }
        };
        long side;
        Tensor phase(Tensor x) {
            org.bytedeco.pytorch.Tensor xh = x.handle();
            side = xh.size(2);
            org.bytedeco.pytorch.Tensor xa = xh.view(xh.sizes());
            org.bytedeco.pytorch.Tensor zero = xa.narrow(0, 0, 0).sum();
            org.bytedeco.pytorch.Tensor weff = conv.weight().handle().add(zero);
            org.bytedeco.pytorch.Tensor y = torch.conv2d(xh.detach(), weff, new org.bytedeco.pytorch.TensorOptional(conv.bias().handle()), new long[]{2, 2}, new long[]{1, 1}, new long[]{1, 1}, 1);
            y.register_hook(gyHook);
            xa.register_hook(gxHook);
            return Tensor.wrap(y);
        }
        FormConv(Conv2d conv, Form form) {
            this.conv = register("c", conv);
            this.form = form;
        }

        @Override public Tensor forward(Tensor x) {
            return switch (form) {
                case DIRECT -> conv.call(x);
                case LIBTORCH -> Tensor.call(() -> torch.conv2d(x.handle(), conv.weight().handle(),
                        new org.bytedeco.pytorch.TensorOptional(conv.bias().handle()), new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1}, 1));
                case S2D -> s2d(x, conv.weight(), conv.bias());
                case DENSE -> dense(x, conv.weight(), conv.bias());
                case PHASE -> phase(x);
            };
        }
    }

    static org.bytedeco.pytorch.Tensor phaseGrad(org.bytedeco.pytorch.Tensor gy, org.bytedeco.pytorch.Tensor w, long s) {
        long co = w.size(0), ci = w.size(1), oh = gy.size(2);
        org.bytedeco.pytorch.Tensor wt = torch.constant_pad_nd(w.detach().permute(1, 0, 2, 3), new long[]{0, 1, 0, 1});
        org.bytedeco.pytorch.Tensor idx = torch.tensor(new long[]{1, 3, 2, 0});
        org.bytedeco.pytorch.Tensor wp = wt.index_select(2, idx).index_select(3, idx).view(ci, co, 2, 2, 2, 2).permute(0, 2, 4, 1, 3, 5).reshape(4 * ci, co, 2, 2);
        org.bytedeco.pytorch.Tensor g = torch.conv2d(torch.constant_pad_nd(gy, new long[]{0, 1, 0, 1}), wp, new org.bytedeco.pytorch.TensorOptional(), new long[]{1, 1}, new long[]{0, 0}, new long[]{1, 1}, 1);
        org.bytedeco.pytorch.Tensor full = torch.pixel_shuffle(g, 2);
        return 2 * oh == s ? full : full.narrow(2, 0, s).narrow(3, 0, s).contiguous();
    }

    static Tensor s2d(Tensor x, Tensor w, Tensor b) {
        long h = x.size(2), wd = x.size(3), oh = (h - 1) / 2 + 1, ow = (wd - 1) / 2 + 1;
        long co = w.size(0), ci = w.size(1);
        // xp[j] = x[j - 1], length 2 * (o + 1)
        Tensor xp = Tensor.wrap(torch.constant_pad_nd(x.handle(), new long[] {1, 2 * (ow + 1) - wd - 1, 1, 2 * (oh + 1) - h - 1}));
        Tensor z = Tensor.wrap(torch.pixel_unshuffle(xp.handle(), 2)); // channel c*4 + ph*2 + pw
        Tensor w4 = Tensor.wrap(torch.constant_pad_nd(w.handle(), new long[] {0, 1, 0, 1})); // [co, ci, 4, 4], tap 3 zero
        Tensor wz = w4.reshape(co, ci, 2, 2, 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(co, ci * 4, 2, 2); // [co,ci,ah,ph,aw,pw] -> [co,ci,ph,pw,ah,aw]
        return F.conv2d(z, wz, b, new long[] {1, 1}, new long[] {0, 0}, new long[] {1, 1}, 1);
    }

    static Tensor dense(Tensor x, Tensor w, Tensor b) {
        long h = x.size(2), wd = x.size(3);
        if ((h - 1) / 2 + 1 != 1 || (wd - 1) / 2 + 1 != 1) throw new IllegalArgumentException("dense needs a 1x1 output");
        // output (0,0) sees input rows 0..h-1 through taps 1..h (padding 1)
        Tensor taps = w.narrow(2, 1, h).narrow(3, 1, wd).reshape(w.size(0), -1);
        return F.linear(x.flatten(1), taps, b).reshape(x.size(0), w.size(0), 1, 1);
    }

    static Sequential block(Conv2d c, Form f, boolean act, long out) {
        Layer fc = new FormConv(c, f);
        return act ? Sequential.of(fc, ReLU.of(), BatchNorm2d.of(out)) : Sequential.of(fc, BatchNorm2d.of(out));
    }

    static long[][] CH = {{1, 4}, {4, 8}, {8, 16}, {16, 32}, {32, 64}, {64, 10}};

    static Layer model(Form[] forms, long seed) {
        Torch.manualSeed(seed);
        List<Layer> ls = new ArrayList<>();
        for (int i = 0; i < CH.length; i++) ls.add(block(Conv2d.of(CH[i][0], CH[i][1], 3).stride(2).padding(1), forms[i], i < CH.length - 1, CH[i][1]));
        ls.add(Flatten.of());
        return Sequential.of(ls.toArray(new Layer[0]));
    }

    public static void main(String[] a) {
        Torch.setThreads(2);
        int rounds = Integer.parseInt(a[0]), steps = a.length > 1 ? Integer.parseInt(a[1]) : 40;
        Form D = Form.DIRECT, S = Form.S2D, N = Form.DENSE, P = Form.PHASE;
        Map<String, Form[]> plans = new LinkedHashMap<>();
        Form L = Form.LIBTORCH;
        boolean catdog = a.length > 2 && a[2].equals("s0-catdog"); // its conv stack (no dropout), batch 32 at 128x128
        if (catdog) CH = new long[][] {{3, 6}, {6, 12}, {12, 24}, {24, 48}, {48, 96}, {96, 192}, {192, 384}, {384, 2}};
        Form[] allL = new Form[CH.length], allD = new Form[CH.length];
        Arrays.fill(allL, L);
        Arrays.fill(allD, D);
        plans.put("libtorch", allL);
        plans.put("direct", allD);
        if (!catdog && a.length > 2 && a[2].equals("forms")) { // the forms measured before the shim's input gradient
            plans.put("s2d-L2", new Form[] {L, S, L, L, L, L});
            plans.put("dense-L5L6", new Form[] {L, L, L, L, N, N});
            plans.put("phase-L2", new Form[] {L, P, L, L, L, L});
            plans.put("phase-L2+dense", new Form[] {L, P, L, L, N, N});
            plans.put("shim-L2+dense", new Form[] {L, D, L, L, D, D});
            plans.put("shim-L2L3+dense", new Form[] {L, D, D, L, D, D});
        }
        Torch.manualSeed(1);
        Tensor x = catdog ? Tensor.randn(32, 3, 128, 128) : Tensor.randn(512, 1, 28, 28);
        Tensor y = catdog ? Tensor.randint(2, 32) : Tensor.randint(10, 512);
        // correctness: each plan's loss and gradients against direct's, per parameter max |difference| / max |direct|
        // (the convolutions' biases feed batch norm, so their gradients are ~0 and are left out)
        List<Tensor> ref = null;
        double refLoss = 0;
        for (Map.Entry<String, Form[]> e : plans.entrySet()) {
            Layer m = model(e.getValue(), 7);
            Tensor loss = F.crossEntropy(m.call(x), y);
            loss.backward();
            List<Tensor> grads = new ArrayList<>();
            for (Tensor p : m.trainableParameters()) grads.add(p.grad().clone());
            if (ref == null) {
                ref = grads;
                refLoss = loss.item();
            }
            double worst = 0;
            for (int i = 0; i < grads.size(); i++) {
                double scale = ref.get(i).abs().max().item();
                if (scale < 1e-6) continue;
                worst = Math.max(worst, grads.get(i).sub(ref.get(i)).abs().max().item() / scale);
            }
            System.out.printf(Locale.ROOT, "check %-18s loss %.7f (direct %.7f), gradients: worst max|diff| / max|direct| %.1e%n",
                    e.getKey(), loss.item(), refLoss, worst);
        }
        // steps of the plans alternate (one step of each in turn), so that the machine's drift falls on all alike
        List<String> names = new ArrayList<>(plans.keySet());
        for (int r = 1; r <= rounds; r++) {
            List<Layer> models = new ArrayList<>();
            List<List<Tensor>> params = new ArrayList<>();
            for (String n : names) {
                Layer m = model(plans.get(n), 7);
                models.add(m);
                params.add(m.trainableParameters());
            }
            double[][] t = new double[names.size()][steps];
            for (int i = -5; i < steps; i++) {
                for (int k = 0; k < names.size(); k++) {
                    long t0 = System.nanoTime();
                    try (Scope s = Scope.open()) {
                        Tensor loss = F.crossEntropy(models.get(k).call(x), y);
                        for (Tensor p : params.get(k)) p.clearGrad();
                        loss.backward();
                        try (Torch.NoGrad g = Torch.noGrad()) {
                            for (Tensor p : params.get(k)) p.add_(p.grad(), -0.01);
                        }
                    }
                    if (i >= 0) t[k][i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            double base = 0;
            for (int k = 0; k < names.size(); k++) {
                Arrays.sort(t[k]);
                double med = t[k][steps / 2];
                if (k == 0) base = med;
                System.out.printf(Locale.ROOT, "round %d %-18s median step %.2f ms (%.2fx %s)%n", r, names.get(k), med, med / base, names.get(0));
            }
        }
    }
}
