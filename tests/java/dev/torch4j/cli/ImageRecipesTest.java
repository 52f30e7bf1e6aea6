package dev.torch4j.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.torch4j.nn.Layer;
import dev.torch4j.recipes.CatClassifier;
import dev.torch4j.recipes.SeedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The cats-vs-dogs recipes on generated two-class photo folders: they train, learn, and leave their files. */
public class ImageRecipesTest extends CliRun {
    @TempDir Path dir;
    /**
     * n photos per class of varied size: "cats" light with a dark blob, "dogs" dark with a light blob (a
     * difference that survives seed 000's greyscale), noise everywhere; JPEG and PNG mixed.
     */
    public static void writeClasses(Path root, int n, int seed, String... classes) throws IOException {
        Random r = new Random(seed);
        for (int c = 0; c < classes.length; c++) {
            Path d = root.resolve(classes[c]);
            Files.createDirectories(d);
            for (int i = 0; i < n; i++) {
                int w = 140 + r.nextInt(100), h = 120 + r.nextInt(80);
                BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                int base = c == 0 ? 190 : 60;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int v = Math.max(0, Math.min(255, base + r.nextInt(50) - 25));
                        img.setRGB(x, y, new Color(v, Math.max(0, v - 20), Math.min(255, v + 10)).getRGB());
                    }
                }
                Graphics2D g = img.createGraphics();
                g.setColor(c == 0 ? new Color(40, 30, 20) : new Color(230, 220, 200));
                g.fillOval(r.nextInt(w / 2), r.nextInt(h / 2), w / 3 + r.nextInt(w / 4), h / 3 + r.nextInt(h / 4));
                g.dispose();
                String format = i % 3 == 0 ? "png" : "jpg";
                ImageIO.write(img, format, d.resolve(classes[c] + "-" + i + "." + format).toFile());
            }
        }
    }

    private static double[] column(Path csv, String name) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        int k = List.of(lines.get(0).split(",")).indexOf(name);
        assertThat(k).as("column " + name + " in " + lines.get(0)).isNotNegative();
        return lines.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[k])).toArray();
    }

    private JsonObject metrics(Path runDir) throws IOException {
        for (String f : new String[] {"history.csv", "curves.png", "best.safetensors", "metrics.json"}) assertThat(runDir.resolve(f)).exists();
        return JsonParser.parseString(Files.readString(runDir.resolve("metrics.json"))).getAsJsonObject();
    }

    @Test void s2CatTrainsOnTrainAndValidationFoldersAndKeepsTheBestCheckpoint() throws IOException {
        writeClasses(dir.resolve("cd/train"), 24, 1, "cats", "dogs");
        writeClasses(dir.resolve("cd/validation"), 8, 2, "cats", "dogs");
        Path runDir = dir.resolve("run");
        assertThat(run("train", "--recipe", "s2-cat", "--data", dir.resolve("cd").toString(), "--epochs", "10", "--batch-size", "8",
                "--device", "cpu", "--out", runDir.toString())).as(err).isZero();
        assertThat(out).contains("classes [cats, dogs] (train/ + validation/): 48 training, 16 validation, no test images",
                "epoch 10/10", "best validation loss", "validation accuracy",
                "layout: channels-last (this recipe's default: it trains faster so on the CPU, docs/benchmarks.md)");
        double[] loss = column(runDir.resolve("history.csv"), "train_loss");
        assertThat(loss[loss.length - 1]).isLessThan(loss[0] * 0.8);
        JsonObject m = metrics(runDir);
        assertThat(m.get("evaluated_on").getAsString()).isEqualTo("validation");
        assertThat(m.get("test_accuracy").getAsDouble()).isGreaterThanOrEqualTo(0.9); // measured 1.0 from epoch 6
        // the checkpoint is the seed's model, loadable by name
        Layer model = new CatClassifier(false);
        model.load(runDir.resolve("best.safetensors"));
        assertThat(model.parameterCount()).isEqualTo(307_393);
    }

    @Test void s0CatDogSplitsOneFolderAndTestsOnTheHeldOutPart() throws IOException {
        writeClasses(dir.resolve("photos"), 40, 3, "cat", "dog");
        Path runDir = dir.resolve("run0");
        assertThat(run("train", "--recipe", "s0-catdog", "--data", dir.resolve("photos").toString(), "--epochs", "6", "--batch-size", "16",
                "--device", "cpu", "--seed", "7", "--out", runDir.toString())).as(err).isZero();
        assertThat(out).contains("one folder split 72/8/20 with seed 7): 58 training, 6 validation, 16 test images", "test accuracy");
        assertThat(out).doesNotContain("layout:"); // contiguous, the model's own layout: channels-last measured slower for it
        double[] loss = column(runDir.resolve("history.csv"), "train_loss");
        assertThat(loss[loss.length - 1]).isLessThan(loss[0]);
        JsonObject m = metrics(runDir);
        assertThat(m.get("evaluated_on").getAsString()).isEqualTo("test");
        assertThat(m.get("epochs").getAsInt()).isEqualTo(6);
        Layer model = SeedModels.s0CatDog();
        model.load(runDir.resolve("best.safetensors"));
    }

    @Test void s2CatAugUsesATestFolderWhenThereIsOne() throws IOException {
        writeClasses(dir.resolve("cd/train"), 16, 4, "cats", "dogs");
        writeClasses(dir.resolve("cd/validation"), 4, 5, "cats", "dogs");
        writeClasses(dir.resolve("cd/test"), 6, 6, "cats", "dogs");
        Files.write(dir.resolve("cd/train/cats/broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3}); // as the public sets have
        Path runDir = dir.resolve("run2");
        assertThat(run("train", "--recipe", "s2-cat-aug", "--data", dir.resolve("cd").toString(), "--epochs", "2", "--batch-size", "8",
                "--device", "cpu", "--memory-format", "auto", "--out", runDir.toString())).as(err).isZero();
        assertThat(out).contains("33 training, 8 validation, 12 test images", "test accuracy"); // the broken file is skipped when read
        assertThat(out).containsPattern("layout: (channels-last|contiguous) \\(measured on the first batch: [0-9.]+ ms/step, (contiguous|channels-last) [0-9.]+ ms\\)");
        assertThat(metrics(runDir).get("evaluated_on").getAsString()).isEqualTo("test");
    }

    @Test void badFoldersAreExplained() throws IOException {
        assertThat(run("train", "--recipe", "s2-cat", "--memory-format", "nhwc", "--data", dir.toString())).isEqualTo(2);
        assertThat(err).contains("--memory-format must be contiguous, channels-last or auto, got 'nhwc'");
        assertThat(run("train", "--recipe", "s2-cat")).isEqualTo(2);
        assertThat(err).contains("needs --data DIR", "train/ and validation/", "microsoft/cats_vs_dogs");
        writeClasses(dir.resolve("three"), 2, 7, "a", "b", "c");
        assertThat(run("train", "--recipe", "s2-cat", "--data", dir.resolve("three").toString())).isEqualTo(1);
        assertThat(err).contains("two classes", "has 3: [a, b, c]");
        writeClasses(dir.resolve("mixed/train"), 2, 8, "cats", "dogs");
        writeClasses(dir.resolve("mixed/validation"), 2, 9, "cat", "dog");
        assertThat(run("train", "--recipe", "s2-cat", "--data", dir.resolve("mixed").toString())).isEqualTo(1);
        assertThat(err).contains("has classes [cat, dog]", "the labels would not mean the same");
        assertThat(run("train", "--recipe", "s2-cat", "--data", dir.resolve("mixed").toString(), "--valid", "0.1")).isEqualTo(2);
        assertThat(err).contains("--valid does not apply to recipe s2-cat, which takes its validation set from --data");
        assertThat(run("recipes")).isZero();
        assertThat(out).contains("s0-catdog", "s2-cat-aug", "(--data DIR)");
    }
}
