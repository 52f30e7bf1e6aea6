package dev.torch4j.nn;

import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.recipes.SeedModels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModuleTest {
    static final class TwoLayer extends Layer {
        Linear fc1 = register("fc1", Linear.of(4, 3));
        Linear fc2 = register("fc2", Linear.of(3, 2));

        @Override public Tensor forward(Tensor x) {
            return fc2.call(F.relu(fc1.call(x)));
        }
    }

    @Test void registersNamedParametersChildrenAndModules() {
        TwoLayer m = new TwoLayer();
        assertThat(m.namedParameters().keySet()).containsExactly("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
        assertThat(m.namedChildren().keySet()).containsExactly("fc1", "fc2");
        assertThat(m.modules()).hasSize(3);
        assertThat(m.parameterCount()).isEqualTo(4 * 3 + 3 + 3 * 2 + 2);
        assertThat(m.child("fc2")).isSameAs(m.fc2);
        assertThatThrownBy(() -> m.child("fc3")).hasMessageContaining("no module 'fc3'").hasMessageContaining("[fc1, fc2]");
    }

    @Test void freezeAndUnfreezeByModuleOrParameter() {
        TwoLayer m = new TwoLayer();
        m.freeze();
        assertThat(m.trainableParameters()).isEmpty();
        m.unfreeze("fc2");
        assertThat(m.trainableParameterCount()).isEqualTo(8);
        m.freeze("fc2.bias");
        assertThat(m.trainableParameterCount()).isEqualTo(6);
        m.unfreeze();
        assertThat(m.trainableParameterCount()).isEqualTo(m.parameterCount());
    }

    @Test void replaceSwapsTheChildAndTheFieldThatHeldIt() {
        TwoLayer m = new TwoLayer();
        Linear head = Linear.of(3, 5);
        m.replace("fc2", head);
        assertThat(m.fc2).isSameAs(head);
        assertThat(m.call(Tensor.ones(1, 4)).shape()).containsExactly(1, 5);
        assertThat(m.namedParameters()).containsKey("fc2.weight");
        assertThat(m.stateDict().get("fc2.weight").shape()).containsExactly(5, 3);
        assertThatThrownBy(() -> m.replace("fc1", ReLU.of())).hasMessageContaining("field 'fc1'").hasMessageContaining("Linear");
    }

    @Test void sequentialIsIndexableNestableAndSliceable() {
        Sequential s = SeedModels.s0Cnn();
        assertThat(s.size()).isEqualTo(7);
        assertThat(s.get(-1)).isInstanceOf(Flatten.class);
        assertThat(((Sequential) s.get(0)).get(0)).isInstanceOf(Conv2d.class);
        Sequential tail = s.slice(4);
        assertThat(tail.namedChildren().keySet()).containsExactly("4", "5", "6");
        assertThat(tail.get(0)).isSameAs(s.get(4));
        tail.freeze();
        assertThat(s.trainableParameterCount()).isEqualTo(s.parameterCount() - tail.parameterCount());
        assertThat(s.stateDict().keySet()).contains("0.0.weight", "0.2.running_mean", "5.1.weight");
    }

    @Test void trainAndEvalReachEveryModule() {
        Sequential s = SeedModels.s0Cnn();
        s.eval();
        assertThat(s.modules()).allMatch(m -> !m.isTraining());
        s.train();
        assertThat(s.modules()).allMatch(Layer::isTraining);
    }

    @Test void forwardHooksSeeAndReplaceOutputs() {
        Sequential s = Sequential.of(Linear.of(2, 2), ReLU.of());
        List<long[]> seen = new ArrayList<>();
        HookHandle h = s.get(0).registerForwardHook((m, in, out) -> {
            seen.add(out.shape());
            return out.mul(0).sub(1); // all -1: ReLU makes zeros
        });
        HookHandle pre = s.get(0).registerForwardPreHook((m, in) -> in.mul(2));
        assertThat(s.call(Tensor.ones(3, 2)).toFloatArray()).containsOnly(0f);
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).containsExactly(3, 2);
        h.remove();
        pre.remove();
        Tensor x = Tensor.ones(1, 2);
        assertThat(s.call(x).toFloatArray()).containsExactly(s.get(1).call(s.get(0).call(x)).toFloatArray());
    }

    @Test void backwardHookReceivesTheGradientOfTheOutput() {
        // y = 3 * relu-free linear layer output; loss = sum(3 * out) => d loss / d out = 3 everywhere
        Linear lin = Linear.of(4, 2);
        List<float[]> grads = new ArrayList<>();
        lin.registerBackwardHook((m, g) -> grads.add(g.toFloatArray()));
        Tensor loss = lin.call(Tensor.randn(5, 4)).mul(3).sum();
        loss.backward();
        assertThat(grads).hasSize(1);
        assertThat(grads.get(0)).hasSize(10).containsOnly(3f);
    }

    @Test void backwardHooksOnManyModulesAllFire() {
        // each module relays through a native callback object of its own: 40 of them (JavaCPP's callbacks were once
        // thought to be limited to 10 live instances), each gets its output's gradient, 2 * 4 values
        int n = 40;
        int[] values = new int[n];
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Linear l = Linear.of(4, 4);
            int k = i;
            l.registerBackwardHook((m, g) -> values[k] += (int) g.numel());
            layers.add(l);
        }
        Sequential.of(layers.toArray(new Layer[0])).call(Tensor.randn(2, 4)).sum().backward();
        assertThat(values).containsOnly(8);
    }

    @Test void shapeErrorNamesTheLayerAndBothShapes() {
        // seed 002's stack fed a 34x34 image: the flattened map has 1,600 features, Linear(576, 64) expects 576
        Sequential s = SeedModels.s2Flat();
        assertThatThrownBy(() -> s.call(Tensor.zeros(1, 1, 34, 34)))
                .isInstanceOf(ModelException.class)
                .hasMessage("layer 9 (Linear(in_features=576, out_features=64, bias=True)) failed on input of shape [1, 1600]: "
                        + "expected input of shape [*, 576], got [1, 1600]");
    }

    @Test void nestedErrorsCarryTheFullPath() {
        Layer cat = SeedModels.get("s2-cat").create();
        assertThatThrownBy(() -> cat.call(Tensor.zeros(1, 1, 150, 150)))
                .isInstanceOf(ModelException.class)
                .satisfies(e -> assertThat(((ModelException) e).path()).isEqualTo("conv_layers.0"))
                .hasMessageContaining("Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1))")
                .hasMessageContaining("expected 3 input channels, got 1");
    }

    @Test void nativeErrorsAreTranslatedAndLocated() {
        Sequential s = Sequential.of(Flatten.of(), new Layer() {
            @Override public Tensor forward(Tensor x) {
                return x.view(7, -1); // 12 elements cannot be 7 rows
            }
        });
        assertThatThrownBy(() -> s.call(Tensor.zeros(3, 4)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("layer 1")
                .hasMessageContaining("[3, 4]")
                .hasMessageContaining("shape '[7, -1]' is invalid")
                .hasMessageNotContaining("Exception raised from");
    }

    @Test void printsLikePyTorch() {
        assertThat(SeedModels.conv(1, 4, true).toString()).isEqualTo(String.join("\n",
                "Sequential(",
                "  (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))",
                "  (1): ReLU()",
                "  (2): BatchNorm2d(4, eps=1.0E-5, momentum=0.1, affine=True, track_running_stats=True)",
                ")"));
    }

    @Test void parametersSurviveTheScopeTheyWereBuiltIn() {
        Layer m;
        try (Scope s = Scope.open()) {
            m = SeedModels.s2Gap();
        }
        assertThat(m.call(Tensor.zeros(2, 1, 28, 28)).shape()).containsExactly(2, 10);
        m.close();
        assertThat(m.parameters().get(0).isReleased()).isTrue();
    }
}
