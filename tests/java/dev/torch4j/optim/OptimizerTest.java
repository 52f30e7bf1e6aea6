package dev.torch4j.optim;

import dev.torch4j.nn.Fixtures;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.Sequential;
import dev.torch4j.io.StateDict;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Three steps of every optimizer against PyTorch 1.13.1 (fixtures/optim.safetensors), to 1e-6. */
class OptimizerTest {
    private final StateDict fx = Fixtures.load("optim.safetensors");
    @TempDir Path dir;

    private void check(String name, Supplier<Optimizer> make) {
        check(name, make, DType.FLOAT32);
    }

    private void check(String name, Supplier<Optimizer> make, DType dtype) {
        Tensor p = fx.get("start").to(dtype).clone().requiresGrad(true);
        Optimizer opt = make.get().on(List.of(p));
        for (int i = 0; i < 3; i++) {
            p.clearGrad();
            p.sum().mul(0).backward(); // creates a zero gradient slot
            p.grad().copy_(fx.get("grad" + i));
            opt.step();
            Fixtures.assertClose(p.detach().to(DType.FLOAT32), fx.get(name + ".step" + i), 1e-6);
        }
    }

    @Test void sgd() {
        check("sgd", () -> Sgd.of(0.1));
        check("sgd_momentum", () -> Sgd.of(0.1).momentum(0.9));
        check("sgd_dampening_wd", () -> Sgd.of(0.05).momentum(0.8).dampening(0.3).weightDecay(0.01));
        check("sgd_nesterov", () -> Sgd.of(0.1).momentum(0.9).nesterov(true).weightDecay(1e-3));
    }

    @Test void adam() {
        check("adam", () -> Adam.of(1e-3));
        check("adam_wd", () -> Adam.of(1e-2).betas(0.8, 0.99).eps(1e-6).weightDecay(0.1));
        check("adam_amsgrad", () -> Adam.of(1e-2).amsgrad(true));
    }

    /** Float32 CPU parameters take the shim's one-pass update; float64 ones (as non-contiguous or GPU ones) libtorch's operations. */
    @Test void adamOutsideTheOnePassUpdate() {
        check("adam_wd", () -> Adam.of(1e-2).betas(0.8, 0.99).eps(1e-6).weightDecay(0.1), DType.FLOAT64);
        check("adam_amsgrad", () -> Adam.of(1e-2).amsgrad(true), DType.FLOAT64);
        check("adamw_amsgrad", () -> AdamW.of(1e-2).weightDecay(0.05).amsgrad(true), DType.FLOAT64);
    }

    /**
     * The one-pass update gives the bits of the ten libtorch operations it replaces (written out here as Adam wrote them
     * before), over 20 steps on a parameter whose length is not a multiple of any vector width. Holds where libtorch's
     * kernels fuse multiply-adds, as they do on a CPU with FMA.
     */
    @Test void onePassAdamGivesLibtorchsBits() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(cpuHasFma(), "libtorch rounds differently without FMA");
        double lr = 1e-2, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        for (String variant : List.of("adam", "adam_wd", "adamw_amsgrad")) {
            double wd = variant.equals("adam") ? 0 : 0.1;
            boolean decoupled = variant.startsWith("adamw"), amsgrad = variant.endsWith("amsgrad");
            dev.torch4j.tensor.Torch.manualSeed(3);
            Tensor p = Tensor.randn(10_003).requiresGrad(true);
            Tensor q = p.detach().clone(), m = Tensor.zeros(10_003), v = Tensor.zeros(10_003), max = Tensor.zeros(10_003);
            Optimizer opt = (decoupled ? AdamW.of(lr).weightDecay(wd).amsgrad(amsgrad) : Adam.of(lr).weightDecay(wd).amsgrad(amsgrad)).on(List.of(p));
            for (int t = 1; t <= 20; t++) {
                Tensor grad = Tensor.randn(10_003);
                p.clearGrad();
                p.sum().mul(0).backward();
                p.grad().copy_(grad);
                opt.step();
                Tensor g = grad;
                if (decoupled) q.mul_(1 - lr * wd);
                else if (wd != 0) g = g.add(q, wd);
                m.mul_(b1).add_(g, 1 - b1);
                v.mul_(b2).addcmul_(g, g, 1 - b2);
                Tensor second = v;
                if (amsgrad) {
                    max.copy_(max.maximum(v));
                    second = max;
                }
                Tensor denom = second.sqrt().div(Math.sqrt(1 - Math.pow(b2, t))).add_(eps);
                q.addcdiv_(m, denom, -lr / (1 - Math.pow(b1, t)));
            }
            assertThat(org.bytedeco.pytorch.global.torch.equal(p.detach().handle(), q.handle())).as(variant + ": the same bits after 20 steps").isTrue();
        }
    }

    private static boolean cpuHasFma() throws java.io.IOException {
        Path info = Path.of("/proc/cpuinfo");
        return java.nio.file.Files.isReadable(info) && java.nio.file.Files.readString(info).contains(" fma ");
    }

    @Test void adamW() {
        check("adamw", () -> AdamW.of(1e-2).weightDecay(0.1));
        check("adamw_amsgrad", () -> AdamW.of(1e-2).weightDecay(0.05).amsgrad(true));
    }

    @Test void rmsprop() {
        check("rmsprop", () -> RmsProp.of(1e-2));
        check("rmsprop_full", () -> RmsProp.of(1e-2).alpha(0.9).eps(1e-6).weightDecay(0.01).momentum(0.5).centered(true));
    }

    @Test void frozenParametersAreNeitherBoundNorUpdated() {
        Sequential m = Sequential.of(Linear.of(3, 3), Linear.of(3, 2));
        m.get(0).freeze();
        Optimizer opt = Sgd.of(0.5).on(m);
        assertThat(opt.groups().get(0).params()).hasSize(2);
        float[] frozen = m.get(0).parameters().get(0).toFloatArray();
        float[] head = m.get(1).parameters().get(0).toFloatArray();
        m.call(Tensor.ones(4, 3)).sum().backward();
        opt.step();
        assertThat(m.get(0).parameters().get(0).toFloatArray()).containsExactly(frozen);
        assertThat(m.get(1).parameters().get(0).toFloatArray()).isNotEqualTo(head);
        opt.zeroGrad();
        assertThat(m.get(1).parameters().get(0).grad()).isNull();
    }

    @Test void parameterGroupsHaveTheirOwnLearningRates() {
        Tensor a = Tensor.ones(2).requiresGrad(true), b = Tensor.ones(2).requiresGrad(true);
        Optimizer opt = Sgd.of(1).on(ParamGroup.of(List.of(a), 0.1), ParamGroup.of(List.of(b), 0.01));
        a.sum().add(b.sum()).backward();
        opt.step();
        assertThat(a.toFloatArray()).containsExactly(0.9f, 0.9f);
        assertThat(b.toFloatArray()).containsExactly(0.99f, 0.99f);
    }

    @Test void stateSavesAndResumesBitForBit() {
        Tensor start = fx.get("start");
        Tensor p1 = start.clone().requiresGrad(true);
        Optimizer a = Adam.of(1e-2).on(List.of(p1));
        stepWith(p1, a, fx.get("grad0"));
        Path f = dir.resolve("adam.safetensors");
        a.save(f);
        Tensor p2 = p1.detach().clone().requiresGrad(true);
        Optimizer b = Adam.of(1e-2).on(List.of(p2));
        b.load(f);
        stepWith(p1, a, fx.get("grad1"));
        stepWith(p2, b, fx.get("grad1"));
        assertThat(p2.toFloatArray()).containsExactly(p1.toFloatArray());
        assertThat(a.stateDict().keySet()).contains("group.0.lr", "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq");
    }

    private static void stepWith(Tensor p, Optimizer opt, Tensor grad) {
        opt.zeroGrad();
        p.mul(grad).sum().backward(); // d/dp = grad
        opt.step();
    }

    @Test void misuseIsExplained() {
        assertThatThrownBy(() -> Sgd.of(0.1).step()).hasMessageContaining("optimizer.on(model)");
        assertThatThrownBy(() -> Sgd.of(-1)).hasMessage("Sgd lr must be >= 0, got -1.0");
        Sequential frozen = Sequential.of(Linear.of(2, 2));
        frozen.freeze();
        assertThatThrownBy(() -> Adam.of(1e-3).on(frozen)).hasMessageContaining("no trainable parameters");
        StateDict bad = new StateDict();
        bad.put("state.5.exp_avg", Tensor.zeros(1));
        Optimizer opt = Adam.of(1e-3).on(List.of(Tensor.zeros(1).requiresGrad(true)));
        bad.put("group.0.lr", Tensor.of(new double[] {0.5}));
        assertThatThrownBy(() -> opt.loadStateDict(bad)).hasMessageContaining("parameter 5");
        // the whole state is checked before any of it is applied: the valid learning rate was not taken either
        assertThat(opt.lr()).isEqualTo(1e-3);
        assertThat(opt.stateDict().keySet()).containsExactly("group.0.lr");
    }
}
