package dev.torch4j.fuzz;

import dev.torch4j.nn.*;
import dev.torch4j.tensor.Torch;

import java.nio.file.Path;

/**
 * Writes the fuzz seed that torch4j itself makes: a small model saved by {@code Layer.save} (safetensors with
 * torch4j's checksums in its metadata). The other seeds come from tests/python/make_fuzz_seeds.py and the fixtures.
 * Run from the project root after {@code mvn test-compile}:
 * {@code java -cp "target/test-classes:target/classes:target/lib/*" dev.torch4j.fuzz.MakeSeeds}
 */
public final class MakeSeeds {
    private MakeSeeds() {}

    public static void main(String[] args) {
        Torch.manualSeed(3);
        Layer m = Sequential.of(Conv2d.of(1, 2, 3), BatchNorm2d.of(2), ReLU.of(), Flatten.of(), Linear.of(2 * 4 * 4, 3));
        m.save(Path.of("tests/resources/dev/torch4j/fuzz/ReaderFuzzTestInputs/safetensors/torch4j-model.safetensors"));
    }
}
