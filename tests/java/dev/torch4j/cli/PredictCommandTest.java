package dev.torch4j.cli;

import dev.torch4j.nn.Fixtures;
import dev.torch4j.io.StateDict;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.vision.ResNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** predict: a model, a weights file and a stored input in; the stored output equals the model's in eval mode. */
class PredictCommandTest {
    @TempDir Path dir;
    private final CliRun cli = new CliRun();

    @Test void runsAZooModelFromTorchvisionWeightsWithAnotherHead() throws Exception {
        try (Scope s = Scope.open()) {
            // resnet18 structure with a 5-class head: weights from a full-size random model saved here
            ResNet m = ResNet.resnet18(5);
            Path weights = dir.resolve("r18.safetensors");
            m.stateDict().save(weights);
            Tensor x = Tensor.randn(2, 3, 64, 64);
            StateDict in = new StateDict();
            in.put("input", x);
            in.save(dir.resolve("x.safetensors"));
            int rc = cli.run("predict", "--model", "resnet18", "--num-classes", "5", "--weights", weights.toString(),
                    "--input", dir.resolve("x.safetensors").toString(), "--out", dir.resolve("y.safetensors").toString());
            assertThat(rc).as(cli.err).isZero();
            assertThat(cli.out).contains("resnet18: input [2, 3, 64, 64] -> output [2, 5]");
            Tensor y = StateDict.load(dir.resolve("y.safetensors")).get("output");
            Fixtures.assertClose(y, m.eval().call(x), 1e-5);
        }
    }

    @Test void weightsOfAnotherConfigurationAreRefusedWithTheKeyNamed() throws Exception {
        // torchvision's small VGG fixture (.pth) is not a vgg11: the message names the file and a key that differs
        try (Scope s = Scope.open()) {
            StateDict io = StateDict.load(Fixtures.path("zoo/vgg-io.pth"));
            StateDict in = new StateDict();
            in.put("input", io.get("input"));
            in.save(dir.resolve("x.safetensors"));
            int rc = cli.run("predict", "--model", "vgg11", "--weights", Fixtures.path("zoo/vgg.pth").toString(),
                    "--input", dir.resolve("x.safetensors").toString(), "--out", dir.resolve("y.safetensors").toString());
            assertThat(rc).isEqualTo(1);
            assertThat(cli.err).contains("vgg.pth does not fit Vgg", "features.3.weight");
        }
    }

    @Test void missingInputKeyAndBadOptionsAreNamed() throws Exception {
        try (Scope s = Scope.open()) {
            StateDict in = new StateDict();
            in.put("images", Tensor.zeros(1, 3, 32, 32));
            in.save(dir.resolve("x.safetensors"));
            Path w = dir.resolve("w.safetensors");
            ResNet.resnet18(1000).stateDict().save(w);
            assertThat(cli.run("predict", "--model", "resnet18", "--weights", w.toString(), "--input", dir.resolve("x.safetensors").toString(),
                    "--out", dir.resolve("y.safetensors").toString())).isEqualTo(1);
            assertThat(cli.err).contains("x.safetensors has no tensor under the key \"input\" (it has [images])");
            assertThat(cli.run("predict", "--model", "s3-lenet", "--num-classes", "3", "--weights", w.toString(), "--input", "a", "--out", "b")).isEqualTo(2);
            assertThat(cli.err).contains("--num-classes applies to zoo models; s3-lenet has a fixed head");
            assertThat(cli.run("predict", "--model", "resnet18")).isEqualTo(2);
        }
    }
}
