package dev.torch4j.optim;

import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** An optimizer of the user's own, written against torch4j's Tensor only; and optim's API shows no presets type. */
class UserOptimizerTest {
    /** Lion (Chen et al. 2023): the sign of an interpolated momentum, decoupled weight decay. */
    static final class Lion extends Optimizer {
        private final double beta1 = 0.9, beta2 = 0.99;

        Lion(double lr, double weightDecay) {
            super(lr);
            this.weightDecay = weightDecay;
        }

        @Override protected void update(Tensor p, Tensor g, Map<String, Tensor> state, double lr, double wd) {
            Tensor m = state.computeIfAbsent("exp_avg", k -> own(p.zerosLike()));
            Tensor c = m.mul(beta1).add(g, 1 - beta1);
            p.mul_(1 - lr * wd).add_(c.sign(), -lr);
            m.mul_(beta2).add_(g, 1 - beta2);
        }
    }

    private static void stepWith(Tensor p, Optimizer opt, float... grad) {
        opt.zeroGrad();
        p.mul(Tensor.of(grad)).sum().backward(); // d/dp = grad
        opt.step();
    }

    @Test void lionMatchesTheUpdateWorkedOutByHand() {
        Tensor p = Tensor.of(new float[] {1.0f, -2.0f, 0.5f}).requiresGrad(true);
        Lion lion = new Lion(0.1, 0.5);
        lion.on(List.of(p));
        stepWith(p, lion, 0.3f, -0.1f, 0.0f);
        // m = 0: c = 0.1 g = [0.03, -0.01, 0], sign [1, -1, 0]; p = 0.95 p - 0.1 sign; m = 0.01 g
        assertClose(p.toFloatArray(), 0.85, -1.8, 0.475);
        stepWith(p, lion, -0.5f, -0.2f, 0.4f);
        // c = 0.9 [0.003, -0.001, 0] + 0.1 [-0.5, -0.2, 0.4] = [-0.0473, -0.0209, 0.04], sign [-1, -1, 1]
        assertClose(p.toFloatArray(), 0.95 * 0.85 + 0.1, 0.95 * -1.8 + 0.1, 0.95 * 0.475 - 0.1);
        // its state is saved and restored like any optimizer's
        assertThat(lion.stateDict().keySet()).containsExactly("group.0.lr", "state.0.exp_avg");
        assertClose(lion.stateDict().get("state.0.exp_avg").toFloatArray(),
                0.99 * 0.003 + 0.01 * -0.5, 0.99 * -0.001 + 0.01 * -0.2, 0.01 * 0.4);
    }

    private static void assertClose(float[] actual, double... expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) assertThat((double) actual[i]).as("element " + i).isCloseTo(expected[i], within(1e-6));
    }

    /** Every optimizer setter checks its range the same way (NaN included) and names the setting in its message. */
    @Test void everySetterValidatesInOneStyle() {
        Map<String, Runnable> bad = new java.util.LinkedHashMap<>();
        bad.put("learning rate must be >= 0, got -0.1", () -> Sgd.lr(-0.1));
        bad.put("momentum must be >= 0, got -1.0", () -> Sgd.lr(0.1).momentum(-1));
        bad.put("dampening must be >= 0, got NaN", () -> Sgd.lr(0.1).dampening(Double.NaN));
        bad.put("weight decay must be >= 0, got -0.5", () -> Sgd.lr(0.1).weightDecay(-0.5));
        bad.put("beta1 must be in [0, 1), got 1.0", () -> Adam.lr(1e-3).betas(1, 0.999));
        bad.put("beta2 must be in [0, 1), got -0.1", () -> Adam.lr(1e-3).betas(0.9, -0.1));
        bad.put("eps must be >= 0, got -1.0E-8", () -> Adam.lr(1e-3).eps(-1e-8));
        bad.put("weight decay must be >= 0, got NaN", () -> AdamW.lr(1e-3).weightDecay(Double.NaN));
        bad.put("alpha must be >= 0, got -0.99", () -> RmsProp.lr(1e-2).alpha(-0.99));
        bad.put("momentum must be >= 0, got -0.9", () -> RmsProp.lr(1e-2).momentum(-0.9));
        bad.put("eps must be >= 0, got NaN", () -> RmsProp.lr(1e-2).eps(Double.NaN));
        bad.put("weight decay must be >= 0, got -1.0", () -> RmsProp.lr(1e-2).weightDecay(-1));
        for (Map.Entry<String, Runnable> e : bad.entrySet()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(e.getValue()::run).isInstanceOf(IllegalArgumentException.class).hasMessage(e.getKey());
        }
        // and the values in range are taken
        assertThat(Adam.lr(1e-3).betas(0, 0.5).eps(0).weightDecay(0)).isNotNull();
    }

    /** Writing an optimizer or a scheduler needs no org.bytedeco type: none appears in optim's public or protected API. */
    @Test void optimsApiShowsNoPresetsType() {
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : List.of(Optimizer.class, Sgd.class, Adam.class, AdamW.class, RmsProp.class, ParamGroup.class, LrScheduler.class,
                StepLR.class, MultiStepLR.class, ExponentialLR.class, CosineAnnealingLR.class, ReduceLROnPlateau.class)) {
            for (Method m : c.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers()) && !Modifier.isProtected(m.getModifiers())) continue;
                List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
                types.add(m.getGenericReturnType());
                for (Type t : types) if (t.getTypeName().contains("org.bytedeco")) leaks.add(c.getSimpleName() + "." + m.getName() + ": " + t.getTypeName());
            }
        }
        assertThat(leaks).isEmpty();
    }
}
