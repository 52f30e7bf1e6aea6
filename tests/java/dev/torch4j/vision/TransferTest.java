package dev.torch4j.vision;

import dev.torch4j.nn.BatchNorm2d;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.Sequential;
import dev.torch4j.optim.Optimizer;
import dev.torch4j.optim.ParamGroup;
import dev.torch4j.optim.Sgd;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import dev.torch4j.train.Loss;
import dev.torch4j.data.TensorDataset;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Freezing, partial unfreezing, feature extraction and parameter groups on small ResNets and VGGs. */
class TransferTest {
    private static ResNet smallResNet() {
        Torch.manualSeed(1);
        return new ResNet(ResNet.Block.BASIC, new int[] {1, 1, 1, 1}, 10, 8);
    }

    private static Map<String, Tensor> snapshot(Layer m) {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) copy.put(e.getKey(), e.getValue().clone());
        return copy;
    }

    /** Three SGD steps with momentum in training mode on random data. */
    private static void train(Layer m, Optimizer opt) {
        m.train();
        for (int i = 0; i < 3; i++) {
            Tensor x = Tensor.randn(4, 3, 32, 32), y = Tensor.randint(2, 4);
            opt.zeroGrad();
            Loss.crossEntropy().compute(m.call(x), y).backward();
            opt.step();
        }
    }

    @Test void aFrozenBackboneWithANewHeadTrainsOnlyTheHead() {
        for (boolean kerasRule : new boolean[] {false, true}) {
            try (Scope s = Scope.open()) {
                ResNet m = smallResNet();
                m.freeze();
                if (kerasRule) BatchNorm2d.inferenceWhenFrozen(m);
                m.replace("fc", Linear.of(m.headFeatures(), 2));
                Map<String, Tensor> before = snapshot(m);
                Optimizer opt = Sgd.of(0.1).momentum(0.9).on(m);
                assertThat(opt.groups().get(0).params()).hasSize(2); // the optimizer sees fc.weight and fc.bias only
                m.train();
                Tensor x = Tensor.randn(4, 3, 32, 32);
                opt.zeroGrad();
                Loss.crossEntropy().compute(m.call(x), Tensor.randint(2, 4)).backward();
                for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
                    assertThat(p.getValue().grad() != null).as(p.getKey() + " has a gradient").isEqualTo(p.getKey().startsWith("fc."));
                }
                train(m, opt);
                java.util.Set<String> params = m.namedParameters().keySet();
                for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
                    boolean same = e.getValue().equal(before.get(e.getKey()));
                    // frozen weights stay bit-identical; the statistics follow PyTorch (they update) or Keras (they stay)
                    boolean expected = !e.getKey().startsWith("fc.") && (params.contains(e.getKey()) || kerasRule);
                    assertThat(same).as(e.getKey() + (kerasRule ? " (Keras' rule)" : " (PyTorch's rule)")).isEqualTo(expected);
                }
                assertThat(m.stateDict().get("layer1.0.bn1.num_batches_tracked").itemLong()).isEqualTo(kerasRule ? 0 : 4);
            }
        }
    }

    @Test void unfreezingLayer4ByNameTrainsItAndItsBatchNormStatistics() {
        try (Scope s = Scope.open()) {
            ResNet m = smallResNet();
            m.freeze();
            m.unfreeze("layer4");
            BatchNorm2d.inferenceWhenFrozen(m); // the frozen layers keep their statistics
            Map<String, Tensor> before = snapshot(m);
            BatchNorm2d frozenBn = (BatchNorm2d) m.child("layer1.0.bn1"), liveBn = (BatchNorm2d) m.child("layer4.0.bn1");
            assertThat(frozenBn.isFrozen()).isTrue();
            assertThat(liveBn.isFrozen()).isFalse();
            train(m, Sgd.of(0.1).on(m));
            for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
                boolean same = e.getValue().equal(before.get(e.getKey()));
                assertThat(same).as(e.getKey()).isEqualTo(!e.getKey().startsWith("layer4.")); // statistics included
            }
            assertThat(m.stateDict().get("layer4.0.bn1.num_batches_tracked").itemLong()).isEqualTo(3);
            assertThat(m.stateDict().get("layer1.0.bn1.num_batches_tracked").itemLong()).isZero();
        }
    }

    @Test void trainModeReachesChildrenThroughTheirOwnTrainMethod() {
        try (Scope s = Scope.open()) {
            Layer backbone = smallResNet();
            FeatureExtractor fe = new FeatureExtractor(backbone); // overrides train(): its backbone stays in evaluation
            Sequential model = Sequential.of(fe, Linear.of(10, 2));
            model.train();
            assertThat(model.isTraining()).isTrue();
            assertThat(fe.isTraining()).isTrue();
            assertThat(backbone.modules()).noneMatch(Layer::isTraining);
            try (dev.torch4j.nn.ModeScope mode = model.evalScope()) {
                assertThat(model.modules()).noneMatch(Layer::isTraining);
            }
            assertThat(fe.isTraining()).isTrue();
            assertThat(backbone.isTraining()).isFalse();
        }
    }

    @Test void unfreezeFromAnIndexCountsLikeSeed002() {
        try (Scope s = Scope.open()) {
            Sequential features = Vgg.features(Vgg.VGG16, false);
            features.freeze();
            features.unfreezeFrom(10);
            assertThat(features.parameterCount() - features.trainableParameterCount()).isEqualTo(260_160);
            for (int i = 0; i < features.size(); i++) {
                for (Tensor p : features.get(i).parameters()) assertThat(p.requiresGrad()).as("layer " + i).isEqualTo(i >= 10);
            }
            features.unfreezeFrom(0);
            assertThat(features.trainableParameterCount()).isEqualTo(14_714_688);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> features.unfreezeFrom(32)).hasMessageContaining("unfreezeFrom(32) out of range for Sequential of 31");
        }
    }

    @Test void aFeatureExtractorStaysInEvaluationModeWithoutGradientsAndItsCacheMatchesItsOutput() {
        try (Scope s = Scope.open()) {
            ResNet backbone = smallResNet();
            backbone.replace("fc", dev.torch4j.nn.Identity.of());
            FeatureExtractor fx = new FeatureExtractor(backbone);
            Sequential model = Sequential.of(fx, Linear.of(64, 3));
            model.train(); // reaches the backbone too; the extractor puts it back
            Map<String, Tensor> before = snapshot(backbone);
            Tensor x = Tensor.randn(6, 3, 32, 32);
            Tensor f = fx.call(x);
            assertThat(f.shape()).containsExactly(6, 64);
            assertThat(f.requiresGrad()).isFalse();
            assertThat(backbone.isTraining()).isFalse();
            for (Map.Entry<String, Tensor> e : backbone.stateDict().entrySet()) assertThat(e.getValue().equal(before.get(e.getKey()))).as(e.getKey()).isTrue();
            assertThat(backbone.trainableParameterCount()).isZero();
            TensorDataset cached = fx.cache(new TensorDataset(x, Tensor.arange(6)), 4, null);
            assertThat(cached.inputs().allClose(f, 1e-5, 1e-6)).isTrue();
            assertThat(cached.targets().toFloatArray()).containsExactly(0, 1, 2, 3, 4, 5);
        }
    }

    @Test void parameterGroupsKeepTheirOwnLearningRates() {
        try (Scope s = Scope.open()) {
            ResNet m = smallResNet();
            m.freeze();
            m.unfreeze("layer4");
            m.unfreeze("fc");
            Optimizer opt = Sgd.of(0.1).on(ParamGroup.of(m.child("layer4"), 0.001), ParamGroup.of(m.fc(), 0.1));
            Tensor w4 = m.child("layer4.0.conv1").stateDict().get("weight"), wfc = m.fc().stateDict().get("weight");
            Tensor w4Before = w4.clone(), wfcBefore = wfc.clone();
            m.train();
            opt.zeroGrad();
            Loss.crossEntropy().compute(m.call(Tensor.randn(4, 3, 32, 32)), Tensor.randint(10, 4)).backward();
            Tensor g4 = w4.grad().clone(), gfc = wfc.grad().clone();
            opt.step();
            // plain SGD: w - lr * grad, with each group's own rate
            assertThat(w4.allClose(w4Before.sub(g4.mul(0.001)), 1e-6, 1e-7)).isTrue();
            assertThat(wfc.allClose(wfcBefore.sub(gfc.mul(0.1)), 1e-6, 1e-7)).isTrue();
        }
    }
}
