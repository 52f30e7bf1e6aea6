package dev.torch4j.train;

import dev.torch4j.data.TensorDataset;
import dev.torch4j.nn.Layer;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Flushing denormal floats: on libtorch's threads, during fit only, and a resumed run's own mode. */
class DenormalsTest {
    static TensorDataset train;
    @TempDir Path dir;

    @BeforeAll static void loadSlice() {
        train = TrainerTest.slice(200, 10)[0];
    }

    @AfterEach void plainMode() {
        Torch.flushDenormals(false);
    }

    /** n copies of 2e-38 (a normal float) times 0.25: denormal (5e-39), or 0 where flushed; computed in the current mode. */
    static Tensor products(long n) {
        try (Tensor x = Tensor.full(2e-38, n)) {
            return x.mul(0.25);
        }
    }

    /** How many elements are 0, counted without flushing (denormals-are-zero would count a denormal as 0). */
    static long zeros(Tensor t) {
        boolean was = Torch.flushDenormals();
        Torch.flushDenormals(false);
        try (Tensor zero = t.eq(0); Tensor count = zero.sum()) {
            return (long) count.item();
        } finally {
            Torch.flushDenormals(was);
            t.close();
        }
    }

    @Test void flushingReachesEveryThreadLibtorchComputesOn() {
        assumeThat(Torch.flushDenormals(false)).as("this CPU has a flush-to-zero mode").isTrue();
        long n = 1 << 21; // split over libtorch's threads
        assertThat(Torch.flushDenormals()).isFalse();
        assertThat(zeros(products(n))).isZero();
        assertThat(Torch.flushDenormals(true)).isTrue();
        assertThat(Torch.flushDenormals()).isTrue();
        assertThat(zeros(products(n))).as("every element, whichever thread computed it").isEqualTo(n);
        assertThat(zeros(products(1))).isEqualTo(1);
        Torch.flushDenormals(false);
        assertThat(zeros(products(n))).isZero();
    }

    /** Records the thread's mode at each step. */
    static final class ModeSpy implements Callback {
        final List<Boolean> modes = new ArrayList<>();

        @Override public void onBatchEnd(StepInfo step) {
            modes.add(Torch.flushDenormals());
        }
    }

    @Test void fitFlushesWhileItTrainsAndRestoresTheThreadsMode() {
        assumeThat(Torch.flushDenormals(false)).as("this CPU has a flush-to-zero mode").isTrue();
        ModeSpy spy = new ModeSpy();
        TrustTest.trainer(TrustTest.mlp(1)).epochs(1).callbacks(spy).fit(train, null);
        assertThat(spy.modes).hasSize(4).containsOnly(true);
        assertThat(Torch.flushDenormals()).as("the thread's mode after fit").isFalse();

        ModeSpy keeping = new ModeSpy();
        TrustTest.trainer(TrustTest.mlp(1)).epochs(1).flushDenormals(false).callbacks(keeping).fit(train, null);
        assertThat(keeping.modes).hasSize(4).containsOnly(false);

        Torch.flushDenormals(true); // a caller that flushes keeps flushing after a fit that does not
        TrustTest.trainer(TrustTest.mlp(1)).epochs(1).flushDenormals(false).callbacks(new ModeSpy()).fit(train, null);
        assertThat(Torch.flushDenormals()).isTrue();
    }

    @Test void aResumedRunKeepsTheModeItStartedWith() {
        assumeThat(Torch.flushDenormals(false)).as("this CPU has a flush-to-zero mode").isTrue();
        Path snaps = dir.resolve("keep");
        TrustTest.trainer(TrustTest.mlp(2)).epochs(1).flushDenormals(false).snapshots(snaps).fit(train, null);
        ModeSpy spy = new ModeSpy();
        History h = TrustTest.trainer(TrustTest.mlp(2)).epochs(2).callbacks(spy).resumeFrom(snaps).fit(train, null);
        assertThat(h.epochs()).hasSize(2);
        assertThat(spy.modes).as("epoch 2 only").hasSize(4).containsOnly(false);
        Layer other = TrustTest.mlp(2);
        assertThatThrownBy(() -> TrustTest.trainer(other).epochs(3).flushDenormals(true).resumeFrom(snaps).fit(train, null))
                .hasMessageContaining("it was started with flush_denormals = false, this trainer has true");
    }
}
