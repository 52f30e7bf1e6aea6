package dev.torch4j.tensor;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A region whose tensors are released, deterministically, when it closes: every tensor created on this
 * thread while the scope is open belongs to it. {@link #keep(Tensor)} lets a result outlive the scope (it
 * then belongs to the enclosing scope, or, with none, to its own {@link Tensor#close()} and the GC).
 *
 * <pre>{@code
 * try (Scope scope = Scope.open()) {
 *     Tensor logits = model.call(x);
 *     accuracy = scope.keep(logits.argmax(1).eq(y).float32().mean());
 * }
 * }</pre>
 */
public final class Scope implements AutoCloseable {
    private final PointerScope scope;
    private final List<Pointer> kept = new ArrayList<>();
    private boolean closed;

    private Scope() {
        Torch.init();
        scope = new PointerScope();
    }

    public static Scope open() {
        return new Scope();
    }

    /** Runs {@code body} in a fresh scope and keeps only its result. */
    public static Tensor run(Supplier<Tensor> body) {
        try (Scope s = open()) {
            return s.keep(body.get());
        }
    }

    /** Lets {@code t} survive this scope. Returns {@code t}. */
    public Tensor keep(Tensor t) {
        if (closed) throw new IllegalStateException("scope already closed");
        Pointer p = t.handle();
        p.retainReference();
        kept.add(p);
        return t;
    }

    /**
     * Hands {@code t} to this thread's innermost scope: for a tensor that a scope on another thread kept
     * (a batch prepared in the background). Without an open scope here, {@code t} stays as it is.
     */
    public static Tensor adopt(Tensor t) {
        PointerScope inner = PointerScope.getInnerScope();
        if (inner != null) {
            Pointer p = t.handle();
            inner.attach(p);
            p.releaseReference(); // the reference the other thread's keep() took
        }
        return t;
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        scope.close();
        PointerScope outer = PointerScope.getInnerScope();
        for (Pointer p : kept) {
            if (outer != null) {
                outer.attach(p);
                p.releaseReference();
            }
        }
        kept.clear();
    }
}
