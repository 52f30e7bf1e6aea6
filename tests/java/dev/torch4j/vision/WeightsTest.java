package dev.torch4j.vision;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where ImageNet weights are looked for, the checked download, and the message when there are none. */
class WeightsTest {
    @TempDir Path home;
    private final Properties saved = new Properties();

    @BeforeEach void pointHomeAtAnEmptyDirectory() {
        for (String k : new String[] {"user.home", "torch4j.offline", "torch4j.weights.url"}) {
            if (System.getProperty(k) != null) saved.setProperty(k, System.getProperty(k));
        }
        System.setProperty("user.home", home.toString());
    }

    @AfterEach void restore() {
        for (String k : new String[] {"user.home", "torch4j.offline", "torch4j.weights.url"}) {
            if (saved.containsKey(k)) System.setProperty(k, saved.getProperty(k));
            else System.clearProperty(k);
        }
    }

    @Test void findsTorchvisionsFileInTorch4jsDirectoryOrPyTorchsCache() throws Exception {
        Path ours = Files.createDirectories(home.resolve(".torch4j/weights")).resolve("vgg16-397923af.pth");
        Files.writeString(ours, "x");
        assertThat(Weights.imagenet("vgg16")).isEqualTo(ours);
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("TORCH_HOME") == null, "PyTorch's cache moves with $TORCH_HOME");
        Path hub = Files.createDirectories(home.resolve(".cache/torch/hub/checkpoints")).resolve("resnet18-f37072fd.pth");
        Files.writeString(hub, "x");
        assertThat(Weights.imagenet("resnet18")).isEqualTo(hub);
        Path plain = home.resolve(".torch4j/weights/resnet50.safetensors");
        Files.writeString(plain, "x");
        assertThat(Weights.imagenet("resnet50")).isEqualTo(plain);
    }

    @Test void aDownloadWhoseChecksumDiffersIsRefusedAndLeavesNoFile() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/m/", ex -> {
            byte[] body = "not the weights".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            System.setProperty("torch4j.weights.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/m/");
            assertThatThrownBy(() -> Weights.imagenet("resnet34"))
                    .hasMessageContaining("ImageNet weights for resnet34 not found")
                    .hasMessageContaining("resnet34-b627a593.pth has sha256 ")
                    .hasMessageContaining("expected b627a593... (damaged or changed; not used)");
            try (var files = Files.walk(home)) {
                assertThat(files.filter(Files::isRegularFile)).isEmpty();
            }
        } finally {
            server.stop(0);
        }
    }

    @Test void offlineTheMessageNamesTheFileTheUrlAndTheDirectory() {
        System.setProperty("torch4j.offline", "true");
        assertThatThrownBy(() -> Weights.imagenet("vgg19_bn"))
                .hasMessageContaining("looked for vgg19_bn-c79401a0.pth (or vgg19_bn.pth, vgg19_bn.safetensors)")
                .hasMessageContaining(home.resolve(".torch4j/weights").toString())
                .hasMessageContaining("downloading is off")
                .hasMessageContaining("Get https://download.pytorch.org/models/vgg19_bn-c79401a0.pth and put it in " + home.resolve(".torch4j/weights"));
        assertThatThrownBy(() -> Weights.imagenet("alexnet")).hasMessageContaining("no ImageNet weights known for 'alexnet'")
                .hasMessageContaining("resnet18");
    }
}
