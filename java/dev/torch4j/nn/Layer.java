package dev.torch4j.nn;

import dev.torch4j.io.StateDict;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.MemoryFormat;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.VoidTensorHook;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A network building block, as PyTorch's {@code nn.Module} (named {@code Layer}, as in Keras, so that
 * {@code import dev.torch4j.nn.*;} does not clash with {@code java.lang.Module}; a whole model is a layer too):
 * subclasses register their parameters,
 * buffers and child modules by name (the names become state-dict keys) and implement {@link #forward}.
 * Run a module with {@link #call(Tensor)}, which also runs hooks and names the failing layer on errors.
 *
 * <pre>{@code
 * class Net extends Layer {
 *     final Conv2d conv = register("conv", Conv2d.of(1, 8, 3));
 *     final Linear fc = register("fc", Linear.of(8 * 26 * 26, 10));
 *     public Tensor forward(Tensor x) {
 *         return fc.call(F.relu(conv.call(x)).flatten(1));
 *     }
 * }
 * }</pre>
 *
 * Parameters and buffers are owned by their module: they outlive any {@link Scope} and are released by
 * {@link #close()} (or the GC).
 */
public abstract class Layer implements AutoCloseable {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Layer> children = new LinkedHashMap<>();
    private final List<ForwardPreHook> preHooks = new CopyOnWriteArrayList<>();
    private final List<ForwardHook> forwardHooks = new CopyOnWriteArrayList<>();
    private final List<BackwardHook> backwardHooks = new CopyOnWriteArrayList<>();
    private GradientRelay gradientRelay;
    private String name;
    private boolean training = true;

    protected Layer() {
        Torch.init();
    }

    /** The computation; call modules through {@link #call(Tensor)} so that hooks run. */
    public abstract Tensor forward(Tensor input);

    /** Runs this module: forward pre-hooks, {@link #forward}, forward hooks, backward-hook wiring. */
    public final Tensor call(Tensor input) {
        return call(input, this::forward);
    }

    /** {@link #call(Tensor)} with another computation in place of {@link #forward} (a fused form of it). */
    final Tensor call(Tensor input, java.util.function.UnaryOperator<Tensor> forward) {
        Tensor x = input;
        for (ForwardPreHook h : preHooks) {
            Tensor r = h.beforeForward(this, x);
            if (r != null) x = r;
        }
        Tensor out;
        try {
            out = forward.apply(x);
        } catch (ModelException e) {
            throw e.within(name);
        } catch (RuntimeException e) {
            throw new ModelException("", describe(), x.shape(), e.getMessage(), e).within(name);
        }
        for (ForwardHook h : forwardHooks) {
            Tensor r = h.afterForward(this, x, out);
            if (r != null) out = r;
        }
        if (!backwardHooks.isEmpty() && out.requiresGrad()) {
            if (gradientRelay == null) gradientRelay = new GradientRelay();
            out.handle().register_hook(gradientRelay);
        }
        return out;
    }

    // ---- registration -------------------------------------------------------------------------------

    /** Registers a child module under {@code name} (its state-dict prefix). Returns the child. */
    protected <M extends Layer> M register(String name, M module) {
        checkName(name);
        if (children.containsKey(name)) throw new IllegalArgumentException("a child module named '" + name + "' already exists");
        children.put(name, module);
        Layer m = module;
        if (m.name == null) m.name = name;
        return module;
    }

    /** Registers a trainable parameter (gradients on). The module takes ownership. Returns it. */
    protected Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        if (parameters.containsKey(name)) throw new IllegalArgumentException("a parameter named '" + name + "' already exists");
        value.handle().retainReference(); // owned by the module, not by a Scope
        value.requiresGrad(true);
        parameters.put(name, value);
        return value;
    }

    /** Registers state that is saved but not trained (e.g. batch norm's running mean). Returns it. */
    protected Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        if (buffers.containsKey(name)) throw new IllegalArgumentException("a buffer named '" + name + "' already exists");
        value.handle().retainReference();
        buffers.put(name, value);
        return value;
    }

    private void checkName(String n) {
        if (n == null || n.isEmpty() || n.contains(".")) {
            throw new IllegalArgumentException("module, parameter and buffer names must be non-empty and without '.', got '" + n + "'");
        }
    }

    // ---- the tree -----------------------------------------------------------------------------------

    /** The name this module was registered under in its (first) parent, or null for a root. */
    public String name() {
        return name;
    }

    public List<Layer> children() {
        return List.copyOf(children.values());
    }

    public Map<String, Layer> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** This module and all below it, depth first. */
    public List<Layer> modules() {
        List<Layer> out = new ArrayList<>();
        out.add(this);
        for (Layer c : children.values()) out.addAll(c.modules());
        return out;
    }

    /** Every module with its dotted path ("" for this one), depth first. */
    public Map<String, Layer> namedModules() {
        Map<String, Layer> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Layer> out) {
        out.put(prefix, this);
        for (Map.Entry<String, Layer> e : children.entrySet()) e.getValue().collectModules(join(prefix, e.getKey()), out);
    }

    /** The descendant at a dotted path such as {@code layer4.1} or {@code features.10}. */
    public Layer child(String path) {
        Layer m = this;
        for (String part : path.split("\\.")) {
            Layer next = m.children.get(part);
            if (next == null) {
                throw new IllegalArgumentException("no module '" + path + "' in " + getClass().getSimpleName()
                        + " (children of " + (m == this ? "the root" : "'" + m.name + "'") + ": " + m.children.keySet() + ")");
            }
            m = next;
        }
        return m;
    }

    /**
     * Replaces the child at a dotted path (e.g. {@code fc}) with {@code module}, as assigning
     * {@code model.fc = ...} does in PyTorch. A field of the parent that held the old module is updated too.
     */
    public void replace(String path, Layer module) {
        int dot = path.lastIndexOf('.');
        Layer parent = dot < 0 ? this : child(path.substring(0, dot));
        String key = path.substring(dot + 1);
        Layer old = parent.children.get(key);
        if (old == null) throw new IllegalArgumentException("no module '" + path + "' to replace; children: " + parent.children.keySet());
        parent.updateFieldsHolding(old, module);
        parent.children.put(key, module);
        if (module.name == null) module.name = key;
    }

    private void updateFieldsHolding(Layer old, Layer replacement) {
        for (Class<?> c = getClass(); c != null && c != Layer.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || !isHolding(f, old)) continue;
                if (!f.getType().isInstance(replacement)) {
                    throw new IllegalArgumentException("field '" + f.getName() + "' of " + c.getSimpleName() + " has type "
                            + f.getType().getSimpleName() + " and cannot hold the replacement " + replacement.getClass().getSimpleName());
                }
                try {
                    f.set(this, replacement);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot update field '" + f.getName() + "' of " + c.getSimpleName(), e);
                }
            }
        }
    }

    private boolean isHolding(Field f, Object value) {
        try {
            f.setAccessible(true);
            return f.get(this) == value;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    // ---- parameters ---------------------------------------------------------------------------------

    public List<Tensor> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /** Parameters by dotted name (PyTorch's order), shared modules counted once. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, false, Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return out;
    }

    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false, true, Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return out;
    }

    /** The parameters that train (requires-grad on): what an optimizer should see. */
    public List<Tensor> trainableParameters() {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : parameters()) if (p.requiresGrad()) out.add(p);
        return out;
    }

    /** This module's own parameters (not its children's), by local name. */
    public Map<String, Tensor> ownParameters() {
        return Collections.unmodifiableMap(parameters);
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean params, boolean bufs, java.util.Set<Object> seen) {
        if (!seen.add(this)) return;
        if (params) for (Map.Entry<String, Tensor> e : parameters.entrySet()) out.putIfAbsent(join(prefix, e.getKey()), e.getValue());
        if (bufs) for (Map.Entry<String, Tensor> e : buffers.entrySet()) out.putIfAbsent(join(prefix, e.getKey()), e.getValue());
        for (Map.Entry<String, Layer> e : children.entrySet()) e.getValue().collect(join(prefix, e.getKey()), out, params, bufs, seen);
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor p : parameters()) n += p.numel();
        return n;
    }

    public long trainableParameterCount() {
        long n = 0;
        for (Tensor p : trainableParameters()) n += p.numel();
        return n;
    }

    /** Stops all parameters of this module (and below) from training. Returns this. */
    public Layer freeze() {
        for (Tensor p : parameters()) p.requiresGrad(false);
        return this;
    }

    public Layer unfreeze() {
        for (Tensor p : parameters()) p.requiresGrad(true);
        return this;
    }

    /** Freezes one parameter (e.g. {@code conv1.weight}) or one sub-module (e.g. {@code layer1}). */
    public Layer freeze(String name) {
        setTrainable(name, false);
        return this;
    }

    public Layer unfreeze(String name) {
        setTrainable(name, true);
        return this;
    }

    private void setTrainable(String name, boolean on) {
        Tensor p = namedParameters().get(name);
        if (p != null) p.requiresGrad(on);
        else if (on) child(name).unfreeze();
        else child(name).freeze();
    }

    // ---- state --------------------------------------------------------------------------------------

    /** Parameters and buffers by PyTorch's state-dict keys, in PyTorch's order. */
    public StateDict stateDict() {
        StateDict sd = new StateDict();
        collectState("", sd, Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return sd;
    }

    private void collectState(String prefix, StateDict out, java.util.Set<Object> seen) {
        if (!seen.add(this)) return;
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) out.put(join(prefix, e.getKey()), e.getValue());
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) out.put(join(prefix, e.getKey()), e.getValue());
        for (Map.Entry<String, Layer> e : children.entrySet()) e.getValue().collectState(join(prefix, e.getKey()), out, seen);
    }

    /**
     * Copies values from {@code state} into this module's parameters and buffers (converting device and dtype).
     * Shapes must agree and values be finite ({@link StateDict#allowNonFinite(boolean)} allows NaN and infinities); when
     * strict, missing and unexpected keys are errors too, otherwise they are returned. Nothing changes on an error.
     */
    public StateDict.LoadResult loadStateDict(StateDict state, boolean strict) {
        StateDict target = stateDict();
        StateDict.LoadResult result = state.checkFits(target.asMap(), getClass().getSimpleName(), strict);
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor t = target.get(e.getKey());
            if (t != null) t.copy_(e.getValue());
        }
        return result;
    }

    /** Throws what {@link #loadStateDict} would throw for {@code state}, without changing this module. */
    public StateDict.LoadResult checkStateDict(StateDict state, boolean strict) {
        return state.checkFits(stateDict().asMap(), getClass().getSimpleName(), strict);
    }

    /** Saves the state dict as {@code .safetensors}. */
    public void save(Path file) {
        stateDict().save(file);
    }

    /** Loads a state dict file ({@code .safetensors}, or PyTorch {@code .pth}/{@code .pt}), strictly. Returns this. */
    public Layer load(Path file) {
        try (Scope s = Scope.open()) {
            loadStateDict(StateDict.load(file), true);
        }
        return this;
    }

    // ---- mode and device ----------------------------------------------------------------------------

    public Layer train() {
        return train(true);
    }

    /**
     * Sets this module's mode and, through each child's own {@code train(boolean)}, the mode of everything below it,
     * as PyTorch's {@code nn.Module.train}: a subclass may override it to keep a part in a fixed mode (call
     * {@code super.train(on)} first). Returns this.
     */
    public Layer train(boolean on) {
        training = on;
        for (Layer c : children.values()) c.train(on);
        return this;
    }

    public Layer eval() {
        return train(false);
    }

    /**
     * Evaluation mode for this module and all below it until the returned scope closes, which gives every module its
     * own earlier mode back (a frozen backbone in evaluation mode inside a training model stays so). The one way
     * torch4j changes a model's mode for a while: evaluation, prediction, summaries and the interpretation tools.
     */
    public ModeScope evalScope() {
        List<Layer> all = modules();
        boolean[] before = new boolean[all.size()];
        for (int i = 0; i < before.length; i++) before[i] = all.get(i).training;
        eval();
        return () -> {
            for (int i = 0; i < before.length; i++) all.get(i).training = before[i];
        };
    }

    /** A torchinfo-style summary for an input of {@code inputShape}; print it with {@code System.out.println}. */
    public Summary summary(long... inputShape) {
        return Summary.of(this, inputShape);
    }

    public boolean isTraining() {
        return training;
    }

    /** Moves every parameter and buffer to {@code device}, in place (optimizers keep their references). */
    public Layer to(Device device) {
        try (Scope s = Scope.open(); Torch.NoGrad g = Torch.noGrad()) {
            for (Tensor t : stateDict().values()) {
                if (!t.device().equals(device)) {
                    t.clearGrad();
                    t.setData(t.to(device));
                }
            }
        }
        return this;
    }

    /**
     * Lays out every 4-d parameter (convolution weights) in {@code format}, in place (PyTorch's
     * {@code model.to(memory_format=...)}): shapes, names and state dicts are unchanged, files are still written
     * contiguous, and convolutions then compute in that layout (their inputs are converted as they enter).
     */
    public Layer to(MemoryFormat format) {
        try (Scope s = Scope.open(); Torch.NoGrad g = Torch.noGrad()) {
            for (Tensor t : parameters()) {
                if (t.dim() == 4 && !t.isContiguous(format)) {
                    t.clearGrad();
                    t.setData(t.contiguous(format));
                }
            }
        }
        return this;
    }

    /** CHANNELS_LAST when a 4-d parameter is laid out so (see {@link #to(MemoryFormat)}), else CONTIGUOUS. */
    public MemoryFormat memoryFormat() {
        for (Tensor t : parameters()) {
            if (t.dim() == 4 && !t.isContiguous(MemoryFormat.CONTIGUOUS) && t.isContiguous(MemoryFormat.CHANNELS_LAST)) return MemoryFormat.CHANNELS_LAST;
        }
        return MemoryFormat.CONTIGUOUS;
    }

    /** The device of the first parameter or buffer (the CPU when there is none). */
    public Device device() {
        for (Tensor t : stateDict().values()) return t.device();
        return Device.cpu();
    }

    // ---- hooks --------------------------------------------------------------------------------------

    public HookHandle registerForwardPreHook(ForwardPreHook hook) {
        preHooks.add(hook);
        return () -> preHooks.remove(hook);
    }

    public HookHandle registerForwardHook(ForwardHook hook) {
        forwardHooks.add(hook);
        return () -> forwardHooks.remove(hook);
    }

    /** Whether any forward, forward-pre or backward hook is registered on this module (not its children). */
    final boolean hasHooks() {
        return !preHooks.isEmpty() || !forwardHooks.isEmpty() || !backwardHooks.isEmpty();
    }

    /** Receives the gradient of this module's output during backward. */
    public HookHandle registerBackwardHook(BackwardHook hook) {
        backwardHooks.add(hook);
        return () -> backwardHooks.remove(hook);
    }

    /** One native callback per module, registered on each output; relays to the Java hooks. */
    private final class GradientRelay extends VoidTensorHook {
        GradientRelay() {
            retainReference(); // lives as long as the module, whatever scope registered it
        }

        @Override public void call(TensorBase grad) {
            Tensor g = Tensor.wrap(new org.bytedeco.pytorch.Tensor(grad));
            for (BackwardHook h : backwardHooks) h.onOutputGradient(Layer.this, g);
        }
    }

    // ---- description --------------------------------------------------------------------------------

    /** Constructor arguments as PyTorch prints them, e.g. {@code in_features=576, out_features=64, bias=True}. */
    protected String extraRepr() {
        return "";
    }

    /** One line: type and arguments, e.g. {@code Linear(in_features=576, out_features=64, bias=True)}. */
    public String describe() {
        return getClass().getSimpleName() + "(" + extraRepr() + ")";
    }

    /** PyTorch's module printout, children indented. */
    @Override public String toString() {
        if (children.isEmpty()) return describe();
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append("(\n");
        String extra = extraRepr();
        if (!extra.isEmpty()) sb.append("  ").append(extra).append('\n');
        for (Map.Entry<String, Layer> e : children.entrySet()) {
            sb.append("  (").append(e.getKey()).append("): ").append(e.getValue().toString().replace("\n", "\n  ")).append('\n');
        }
        return sb.append(')').toString();
    }

    /** Releases the native memory of all parameters and buffers now. The module is unusable afterwards. */
    @Override public void close() {
        for (Layer m : modules()) {
            for (Tensor t : m.parameters.values()) t.close();
            for (Tensor t : m.buffers.values()) t.close();
            if (m.gradientRelay != null) m.gradientRelay.releaseReference();
        }
    }
}
