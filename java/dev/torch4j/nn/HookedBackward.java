package dev.torch4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.FunctionPostHook;
import org.bytedeco.pytorch.FunctionPreHook;
import org.bytedeco.pytorch.Node;
import org.bytedeco.pytorch.PointerConsumer;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * One call of an operation whose backward torch4j computes itself: the presets offer no custom autograd function
 * (javacpp-presets issue 1706), so libtorch's own backward node for the call is hooked. A pre-hook keeps the output
 * gradient and hands the node an undefined one (libtorch's backward formulas then compute nothing); a post-hook
 * returns {@link #gradients}. The node owns the hooks' native halves; their Java halves must stay reachable while
 * the node may call them, i.e. while the graph holds {@link #carrier}'s product (a parameter times a one-element
 * tensor over memory of ours, equal to the parameter to the bit): its backward runs after the hooked node's, and the
 * token is freed when it has run or the graph is dropped. The token's deleter then lets the call go.
 * Used by NativeConvGrad, FewChannelConv and NativeBatchNorm; meant for any backward the shim computes better than libtorch.
 */
abstract class HookedBackward {
    /** Calls whose graph still holds their token, by the token's address. */
    private static final Map<Long, HookedBackward> LIVE = new ConcurrentHashMap<>();
    /**
     * Calls whose token went while their input link had yet to hand its gradient over (it runs after the token's node).
     * A backward asked for other leaves only (libtorch then skips the link's node) would leave its call here.
     */
    private static final Map<HookedBackward, Boolean> LINK_PENDING = new ConcurrentHashMap<>();

    /** Frees a token's memory and lets its call go (the graph no longer holds it). */
    private static final PointerConsumer RELEASE = new PointerConsumer() {
        { retainReference(); }

        @Override public void call(Pointer data) {
            HookedBackward c = LIVE.remove(data.address());
            if (c == null) return;
            synchronized (c) {
                if (c.inputGradient != null) {
                    LINK_PENDING.put(c, Boolean.TRUE); // the link's hook releases it
                    c.released = true;
                    return;
                }
            }
            c.release();
        }
    };

    private final Pointer token = retained(new FloatPointer(1).put(1f));
    private final List<org.bytedeco.pytorch.Tensor> kept = new ArrayList<>();
    private org.bytedeco.pytorch.Tensor gradOutput;
    /** The input's gradient between {@link #gradients} and the input link's hook ({@link #attachInput}). */
    private org.bytedeco.pytorch.Tensor inputGradient;
    private boolean released;
    private FunctionPostHook inputLink;

    private final FunctionPreHook pre = new FunctionPreHook() {
        @Override public TensorVector apply(TensorVector grads) {
            gradOutput = new org.bytedeco.pytorch.Tensor(grads.get(0)); // a handle of our own: the vector is freed
            return new TensorVector(new org.bytedeco.pytorch.Tensor());
        }
    };
    private final FunctionPostHook post = new FunctionPostHook() {
        @Override public TensorVector apply(TensorVector outputs, TensorVector inputs) {
            org.bytedeco.pytorch.Tensor gy = gradOutput;
            gradOutput = null;
            if (gy == null || !gy.defined()) {
                TensorVector none = new TensorVector();
                for (long i = 0; i < outputs.size(); i++) none.push_back(new org.bytedeco.pytorch.Tensor());
                return none;
            }
            TensorVector grads = gradients(gy);
            while (grads.size() < outputs.size()) grads.push_back(new org.bytedeco.pytorch.Tensor()); // inputs without one
            return grads;
        }
    };

    HookedBackward() {
        retained(pre).deallocate(false); // the node owns the native halves
        retained(post).deallocate(false);
    }

    /** How many calls a live graph still holds (tests: they must go with their graph). */
    static int liveCalls() {
        return LIVE.size() + LINK_PENDING.size();
    }

    /** The gradients of the hooked node's first inputs, in its order, from its output's gradient (the rest: none). */
    abstract TensorVector gradients(org.bytedeco.pytorch.Tensor gradOutput);

    /**
     * {@code parameter} times this call's token: the same values, to be used in the hooked operation in place of
     * {@code parameter}, so that the graph holds the token as long as the hooks may run. Call once, before the
     * operation.
     */
    final org.bytedeco.pytorch.Tensor carrier(org.bytedeco.pytorch.Tensor parameter) {
        org.bytedeco.pytorch.Tensor t = torch.from_blob(token, new long[] {1}, RELEASE);
        LIVE.put(token.address(), this);
        try {
            return parameter.mul(t);
        } finally {
            t.close(); // the product's node keeps its own reference (or none: then the deleter runs now)
        }
    }

    /** A handle of the call's own to {@code t}'s tensor, which no open scope frees; released with the call. */
    final org.bytedeco.pytorch.Tensor keep(org.bytedeco.pytorch.Tensor t) {
        org.bytedeco.pytorch.Tensor own = retained(new org.bytedeco.pytorch.Tensor(t));
        kept.add(own);
        return own;
    }

    /** Hooks the operation's backward node (the output's grad_fn). */
    final void attach(Node node) {
        attach(node, node);
    }

    /**
     * Hooks two nodes of one chain: {@code first} (the output's grad_fn) keeps the output's gradient and computes
     * nothing, {@code last} (further down, nearer the parameters) returns {@link #gradients} for its inputs. The nodes
     * between them must pass an undefined gradient on (libtorch's formulas do). Used where the output comes from the
     * shim and the graph is a carrier of our own (FewChannelConv).
     */
    final void attach(Node first, Node last) {
        first.add_pre_hook(pre);
        last.add_post_hook(post);
    }

    /**
     * Hooks the input's link: {@code node} is the backward node of a one-element slice of the flattened input (a piece
     * of the chain's {@code cat}, which passes it an undefined gradient); its post-hook returns, flattened, the input
     * gradient that {@link #gradients} handed to {@link #setInputGradient}. That node runs after the carrier's, so the
     * call stays reachable until it has run (or its graph is dropped).
     */
    final void attachInput(Node node) {
        inputLink = retained(new FunctionPostHook() {
            @Override public TensorVector apply(TensorVector outputs, TensorVector inputs) {
                org.bytedeco.pytorch.Tensor g;
                boolean release;
                synchronized (HookedBackward.this) {
                    g = inputGradient;
                    inputGradient = null;
                    release = released;
                }
                TensorVector r = new TensorVector(g == null ? new org.bytedeco.pytorch.Tensor() : g.view(-1));
                if (release && LINK_PENDING.remove(HookedBackward.this) != null) release();
                return r;
            }
        });
        inputLink.deallocate(false);
        node.add_post_hook(inputLink);
    }

    /** Called by {@link #gradients}: the input's gradient, for the input link's hook. */
    final synchronized void setInputGradient(org.bytedeco.pytorch.Tensor g) {
        inputGradient = g;
    }

    /**
     * Throws when {@code input} or {@code weight} (may be null) moved from the versions they had at the forward: libtorch
     * refuses a saved tensor changed in place, and so do the hooked calls. {@code operation} names the call ("a
     * convolution").
     */
    static void checkUnchanged(String operation, org.bytedeco.pytorch.Tensor input, long inputVersion,
                               org.bytedeco.pytorch.Tensor weight, long weightVersion) {
        boolean in = input._version() != inputVersion;
        if (in || (weight != null && weight._version() != weightVersion)) {
            throw new IllegalStateException(operation + "'s input or weight was modified by an in-place operation between "
                    + "the forward and the backward (" + (in ? "input" : "weight") + " version "
                    + (in ? inputVersion + " -> " + input._version() : weightVersion + " -> " + weight._version())
                    + "); its gradient would be computed from the new values");
        }
    }

    /** One more reference: a closing scope drops its own and leaves {@code p} alone. */
    private static <P extends Pointer> P retained(P p) {
        p.retainReference();
        return p;
    }

    /** The graph has let go of the call: frees the token's memory and the handles kept for the backward. */
    private void release() {
        for (org.bytedeco.pytorch.Tensor t : kept) t.deallocate();
        kept.clear();
        token.deallocate();
    }
}
