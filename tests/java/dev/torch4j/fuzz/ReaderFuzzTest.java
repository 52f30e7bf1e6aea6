package dev.torch4j.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.torch4j.data.Idx;
import dev.torch4j.data.Pipeline;
import dev.torch4j.data.Transform;
import dev.torch4j.data.Transforms;
import dev.torch4j.io.StateDict;
import dev.torch4j.io.StateDictException;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzz tests of every reader of outside files (Jazzer). A plain {@code mvn test} runs each on its
 * committed seeds (real files, in {@code tests/resources/dev/torch4j/fuzz/ReaderFuzzTestInputs/<test>/}) and on any
 * finding committed there; {@code JAZZER_FUZZ=1} fuzzes one for its {@code maxDuration} (docs/fuzzing.md). The
 * property: a reader throws only its documented exception, whatever the bytes; anything else (another exception,
 * an OutOfMemoryError from a small file, a hang, a crash of the native side) is a finding.
 */
class ReaderFuzzTest {
    private static final Path SCRATCH;

    static {
        try {
            SCRATCH = Files.createTempDirectory("torch4j-fuzz");
            SCRATCH.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Path write(String name, byte[] data) throws IOException {
        return Files.write(SCRATCH.resolve(name), data);
    }

    /** {@code .pth} files, zip and legacy formats, through the unpickler: only {@link StateDictException}. */
    @FuzzTest(maxDuration = "10s")
    void pthFiles(byte[] data) throws IOException {
        Path f = write("fuzz.pth", data);
        try (Scope s = Scope.open()) {
            StateDict.load(f);
        } catch (StateDictException expected) {
            // documented: the file is not a readable state dict, and the message says why
        }
    }

    /** {@code .safetensors} files: only {@link StateDictException}. */
    @FuzzTest(maxDuration = "10s")
    void safetensors(byte[] data) throws IOException {
        Path f = write("fuzz.safetensors", data);
        try (Scope s = Scope.open()) {
            StateDict.load(f);
        } catch (StateDictException expected) {
            // documented
        }
    }

    /** IDX data (MNIST's format), plain or gzip: only {@link IllegalArgumentException}. */
    @FuzzTest(maxDuration = "10s")
    void idx(byte[] data) {
        try (Scope s = Scope.open()) {
            Idx.read(new ByteArrayInputStream(data), "fuzz");
        } catch (IllegalArgumentException expected) {
            // documented: not IDX, truncated, or announcing more than it holds
        }
    }

    /**
     * The image pipeline from Java: transforms with parameters the fuzzer picks, composed in its order, run on an
     * image of its size. Options refuse bad values with {@link IllegalArgumentException} when set or when the
     * pipeline is composed against the image; a pipeline that is accepted must run and give the shape it announced.
     */
    @FuzzTest(maxDuration = "10s")
    void pipeline(FuzzedDataProvider d) {
        int h = d.consumeInt(1, 48), w = d.consumeInt(1, 48), c = d.consumeBoolean() ? 3 : 1;
        List<Transform> steps = new ArrayList<>();
        Pipeline p;
        try {
            int n = d.consumeInt(0, 5);
            for (int i = 0; i < n; i++) steps.add(transform(d, c));
            if (d.consumeBoolean()) steps.add(Transforms.toTensor());
            p = Transforms.compose(steps.toArray(new Transform[0]));
        } catch (IllegalArgumentException expected) {
            return; // a value an option refuses
        }
        long[] shape;
        try {
            shape = p.outputShape(c, h, w, true);
        } catch (IllegalArgumentException expected) {
            return; // a composition that cannot work for this image (e.g. Normalize before ToTensor), named
        }
        if (shape[1] * shape[2] > 1 << 20) return; // a legitimately big output, slow to fuzz
        long seed = d.consumeLong();
        byte[] given = d.consumeRemainingAsBytes(), px = new byte[h * w * c];
        for (int i = 0; i < px.length; i++) px[i] = given.length > 0 ? given[i % given.length] : (byte) (i * 31);
        try (Scope s = Scope.open()) {
            Tensor out = p.apply(Tensor.ofBytes(px, 1, c, h, w), seed);
            if (out.size(1) != shape[0] || out.size(2) != shape[1] || out.size(3) != shape[2]) {
                throw new AssertionError(p + " announced " + java.util.Arrays.toString(shape) + " and gave " + java.util.Arrays.toString(out.shape()));
            }
        } catch (IllegalArgumentException expected) {
            // documented: e.g. a crop the image cannot give
        }
    }

    private static Transform transform(FuzzedDataProvider d, int channels) {
        switch (d.consumeInt(0, 13)) {
            case 0: return Transforms.resize(d.consumeInt(-2, 80), d.consumeInt(-2, 80));
            case 1: return Transforms.resize(d.consumeInt(-2, 80));
            case 2: return Transforms.centerCrop(d.consumeInt(-2, 80), d.consumeInt(-2, 80));
            case 3: return Transforms.crop(d.consumeInt(-100, 100), d.consumeInt(-100, 100), d.consumeInt(-2, 80), d.consumeInt(-2, 80));
            case 4: return Transforms.randomResizedCrop(d.consumeInt(-2, 80), d.consumeInt(-2, 80)).scale(value(d), value(d)).ratio(value(d), value(d));
            case 5: return Transforms.randomRotation(value(d), value(d));
            case 6: return Transforms.rotate(value(d), value(d), value(d), value(d));
            case 7: return Transforms.randomAffine(value(d)).shear(value(d));
            case 8: return Transforms.affine(value(d), value(d), value(d), value(d), value(d), value(d));
            case 9: return Transforms.colorJitter(value(d), value(d), value(d), value(d));
            case 10: return Transforms.randomHorizontalFlip(value(d));
            case 11: return Transforms.grayscale(d.consumeInt(0, 4));
            case 12: return Transforms.hue(value(d));
            default: {
                int k = d.consumeBoolean() ? channels : d.consumeInt(0, 4);
                double[] mean = new double[k], std = new double[k];
                for (int i = 0; i < k; i++) {
                    mean[i] = value(d);
                    std[i] = value(d);
                }
                return Transforms.normalize(mean, std);
            }
        }
    }

    /** Ordinary values mostly, and the ones that break arithmetic: NaN, infinities, zero, huge, negative. */
    private static double value(FuzzedDataProvider d) {
        switch (d.consumeInt(0, 9)) {
            case 0: return Double.NaN;
            case 1: return d.consumeBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            case 2: return 0;
            case 3: return d.consumeBoolean() ? 1e300 : -1e300;
            case 4: return d.consumeDouble();
            default: return d.consumeRegularDouble(-400, 400);
        }
    }
}
