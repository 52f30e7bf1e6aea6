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

    private static Optimizer bound() {
        return Sgd.of(0.1).on(java.util.List.of(Tensor.zeros(2).requiresGrad(true)));
    }

    /** Every optimizer setter checks its range the same way (NaN included) and names the setting in its message. */
    @Test void everySetterValidatesInOneStyle() {
        Map<String, Runnable> bad = new java.util.LinkedHashMap<>();
        bad.put("Sgd lr must be >= 0, got -0.1", () -> Sgd.of(-0.1));
        bad.put("Sgd lr must be >= 0, got NaN", () -> Sgd.of(0.1).lr(Double.NaN));
        bad.put("Sgd momentum must be >= 0, got -1.0", () -> Sgd.of(0.1).momentum(-1));
        bad.put("Sgd dampening must be >= 0, got NaN", () -> Sgd.of(0.1).dampening(Double.NaN));
        bad.put("Sgd weightDecay must be >= 0, got -0.5", () -> Sgd.of(0.1).weightDecay(-0.5));
        bad.put("Adam betas[0] must be in [0, 1), got 1.0", () -> Adam.of(1e-3).betas(1, 0.999));
        bad.put("Adam betas[1] must be in [0, 1), got -0.1", () -> Adam.of().betas(0.9, -0.1));
        bad.put("Adam eps must be >= 0, got -1.0E-8", () -> Adam.of(1e-3).eps(-1e-8));
        bad.put("AdamW weightDecay must be >= 0, got NaN", () -> AdamW.of(1e-3).weightDecay(Double.NaN));
        bad.put("RmsProp alpha must be >= 0, got -0.99", () -> RmsProp.of(1e-2).alpha(-0.99));
        bad.put("RmsProp momentum must be >= 0, got -0.9", () -> RmsProp.of(1e-2).momentum(-0.9));
        bad.put("RmsProp eps must be >= 0, got NaN", () -> RmsProp.of().eps(Double.NaN));
        bad.put("RmsProp weightDecay must be >= 0, got -1.0", () -> RmsProp.of(1e-2).weightDecay(-1));
        bad.put("StepLR stepSize must be >= 1, got 0", () -> StepLR.of(bound(), 0));
        bad.put("StepLR gamma must be >= 0, got NaN", () -> StepLR.of(bound(), 3).gamma(Double.NaN));
        bad.put("MultiStepLR milestones must be >= 1, got 0", () -> MultiStepLR.of(bound(), 0, 5));
        bad.put("ExponentialLR gamma must be >= 0, got -0.5", () -> ExponentialLR.of(bound(), -0.5));
        bad.put("CosineAnnealingLR tMax must be >= 1, got 0", () -> CosineAnnealingLR.of(bound(), 0));
        bad.put("CosineAnnealingLR etaMin must be >= 0, got -1.0", () -> CosineAnnealingLR.of(bound(), 5, -1));
        bad.put("ReduceLROnPlateau factor must be in (0, 1), got 1.0", () -> ReduceLROnPlateau.of(bound(), ReduceLROnPlateau.Mode.MIN).factor(1));
        bad.put("ReduceLROnPlateau patience must be >= 0, got -1", () -> ReduceLROnPlateau.of(bound(), ReduceLROnPlateau.Mode.MAX).patience(-1));
        bad.put("ParamGroup lr must be >= 0, got -1.0", () -> bound().groups().get(0).lr(-1));
        for (Map.Entry<String, Runnable> e : bad.entrySet()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(e.getValue()::run).isInstanceOf(IllegalArgumentException.class).hasMessage(e.getKey());
        }
        // and the values in range are taken, read back under the same names
        Adam adam = Adam.of().lr(0.02).betas(0, 0.5).eps(0).weightDecay(0);
        assertThat(adam.lr()).isEqualTo(0.02);
        assertThat(StepLR.of(bound(), 3).gamma(0.5).gamma()).isEqualTo(0.5);
        assertThat(ReduceLROnPlateau.of(bound(), ReduceLROnPlateau.Mode.MIN).patience(0).cooldown(2).patience()).isZero();
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
