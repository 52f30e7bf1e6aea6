package dev.torch4j.optim;

import dev.torch4j.nn.Layer;
import dev.torch4j.config.Check;
import dev.torch4j.io.StateDict;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients, with PyTorch's arithmetic (torch.optim of PyTorch 1.13).
 * Configure, then bind to parameters: {@code Adam.of(1e-3).weightDecay(1e-4).on(model)}. Binding to a
 * module takes its trainable parameters only; frozen ones (and parameters without a gradient) are skipped.
 * Not thread-safe: an optimizer and the parameters it updates belong to one thread (the one training them).
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups = new ArrayList<>();
    /** Per-parameter state (momentum buffers, moments, step counts), by parameter identity. */
    private final Map<Tensor, Map<String, Tensor>> state = new IdentityHashMap<>();
    protected double lr;
    protected double weightDecay;

    protected Optimizer(double lr) {
        this.lr = atLeast("lr", lr, 0);
    }

    /** {@code value} when it is at least {@code min} (NaN is not), else an error naming this optimizer and the option. */
    protected final double atLeast(String option, double value, double min) {
        return Check.atLeast(getClass().getSimpleName(), option, value, min);
    }

    /** {@code value} when it is in [lo, hi), else an error naming this optimizer and the option. */
    protected final double inRange(String option, double value, double lo, double hi) {
        return Check.inRange(getClass().getSimpleName(), option, value, lo, hi);
    }

    /** Binds the trainable parameters of {@code model}, at this optimizer's learning rate. Returns this. */
    public Optimizer on(Layer model) {
        List<Tensor> params = model.trainableParameters();
        if (params.isEmpty()) throw new IllegalArgumentException(model.getClass().getSimpleName() + " has no trainable parameters (all frozen?)");
        return on(ParamGroup.of(params, lr));
    }

    public Optimizer on(List<Tensor> params) {
        return on(ParamGroup.of(params, lr));
    }

    /** Binds parameter groups with their own learning rates (backbone vs head). Returns this. */
    public Optimizer on(ParamGroup... paramGroups) {
        if (!groups.isEmpty()) throw new IllegalStateException("this optimizer is already bound to parameters");
        for (ParamGroup g : paramGroups) groups.add(g);
        return this;
    }

    public List<ParamGroup> groups() {
        return List.copyOf(groups);
    }

    /** The first group's learning rate. */
    public double lr() {
        return groups.isEmpty() ? lr : groups.get(0).lr();
    }

    /** Sets the learning rate: of every group once bound, else the one the groups will start from. Returns this. */
    public Optimizer lr(double value) {
        atLeast("lr", value, 0);
        if (groups.isEmpty()) lr = value;
        for (ParamGroup g : groups) g.lr(value);
        return this;
    }

    /** The weight decay groups without their own use. */
    public double weightDecay() {
        return weightDecay;
    }

    /** Forgets the gradients (PyTorch's zero_grad(set_to_none=True)). */
    public void zeroGrad() {
        for (ParamGroup g : groups) for (Tensor p : g.params()) p.clearGrad();
    }

    /** One update of every parameter that has a gradient and still trains. */
    public void step() {
        if (groups.isEmpty()) throw new IllegalStateException("bind the optimizer to parameters first: optimizer.on(model)");
        try (Scope scope = Scope.open(); Torch.NoGrad g = Torch.noGrad()) { // temporaries die with the step
            for (ParamGroup group : groups) {
                double wd = group.weightDecay() != null ? group.weightDecay() : weightDecay;
                for (Tensor p : group.params()) {
                    if (!p.requiresGrad()) continue;
                    Tensor grad = p.grad();
                    if (grad == null) continue;
                    Map<String, Tensor> s = state.computeIfAbsent(p, k -> new LinkedHashMap<>());
                    update(p, grad, s, group.lr(), wd);
                }
            }
        }
    }

    /**
     * Updates {@code param} in place from {@code grad} (both torch4j tensors; use the in-place methods such as
     * {@code add_}, {@code mul_}, {@code addcdiv_}); {@code state} keeps this parameter's buffers, which are saved by
     * {@link #stateDict()} under their names. Runs without gradients inside a scope: temporaries are freed after the
     * step; buffers kept across steps go through {@link #own}.
     */
    protected abstract void update(Tensor param, Tensor grad, Map<String, Tensor> state, double lr, double weightDecay);

    /** A state buffer owned by the optimizer (it outlives the step's scope). */
    protected static Tensor own(Tensor t) {
        t.handle().retainReference();
        return t;
    }

    /** Learning rates and per-parameter buffers, keyed {@code group.I.lr} and {@code state.P.NAME} (P counts parameters in group order). */
    public StateDict stateDict() {
        StateDict sd = new StateDict();
        int index = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            sd.put("group." + gi + ".lr", Tensor.of(new double[] {groups.get(gi).lr()}));
            for (Tensor p : groups.get(gi).params()) {
                Map<String, Tensor> s = state.get(p);
                if (s != null) for (Map.Entry<String, Tensor> e : s.entrySet()) sd.put("state." + index + "." + e.getKey(), e.getValue());
                index++;
            }
        }
        return sd;
    }

    /**
     * Restores what {@link #stateDict()} returned, for the same parameter layout. The whole state is checked first
     * (keys, group and parameter indices, shapes): on any error nothing is changed.
     */
    public void loadStateDict(StateDict sd) {
        checkStateDict(sd);
        List<Tensor> params = allParams();
        for (Map.Entry<String, Tensor> e : sd.entrySet()) {
            String[] k = e.getKey().split("\\.", 3);
            if (k[0].equals("group")) {
                groups.get(Integer.parseInt(k[1])).lr(e.getValue().item());
            } else {
                Tensor p = params.get(Integer.parseInt(k[1]));
                Tensor value = own(e.getValue().to(p.device()).clone());
                Tensor old = state.computeIfAbsent(p, x -> new LinkedHashMap<>()).put(k[2], value);
                if (old != null) old.close();
            }
        }
    }

    /** Throws, naming the key, when {@code sd} does not fit this optimizer's groups and parameters; changes nothing. */
    public void checkStateDict(StateDict sd) {
        List<Tensor> params = allParams();
        String from = sd.source() == null ? "optimizer state" : "optimizer state in " + sd.source();
        for (Map.Entry<String, Tensor> e : sd.entrySet()) {
            String[] k = e.getKey().split("\\.", 3);
            int index;
            try {
                index = k.length == 3 ? Integer.parseInt(k[1]) : -1;
            } catch (NumberFormatException ex) {
                index = -1;
            }
            Tensor v = e.getValue();
            if (k.length == 3 && k[0].equals("group") && k[2].equals("lr") && index >= 0) {
                if (index >= groups.size()) throw new IllegalArgumentException(from + " has group " + index + " but this optimizer has " + groups.size());
                if (v.numel() != 1) throw new IllegalArgumentException(from + ": '" + e.getKey() + "' must hold one value, has " + v.numel());
            } else if (k.length == 3 && k[0].equals("state") && index >= 0) {
                if (index >= params.size()) throw new IllegalArgumentException(from + " has parameter " + index + " but this optimizer has " + params.size());
                Tensor p = params.get(index);
                // buffers have the parameter's shape; counters (Adam's step) are single values
                if (!java.util.Arrays.equals(v.shape(), p.shape()) && v.numel() != 1) {
                    throw new IllegalArgumentException(from + ": '" + e.getKey() + "' has shape " + java.util.Arrays.toString(v.shape())
                            + " but parameter " + index + " has shape " + java.util.Arrays.toString(p.shape()));
                }
            } else {
                throw new IllegalArgumentException(from + ": unexpected key '" + e.getKey() + "'");
            }
        }
    }

    private List<Tensor> allParams() {
        List<Tensor> params = new ArrayList<>();
        for (ParamGroup g : groups) params.addAll(g.params());
        return params;
    }

    public void save(Path file) {
        stateDict().save(file);
    }

    public void load(Path file) {
        loadStateDict(StateDict.load(file));
    }
}
