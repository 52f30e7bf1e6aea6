package dev.torch4j.shim;

import dev.torch4j.data.Transforms;
import dev.torch4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Run by {@link NativeJarTest} in a JVM whose library search cannot see the system's libjpeg and libpng: says whether
 * the system copies are really out of reach, then decodes the JPEG and PNG files given.
 */
public final class DecodeChild {
    private DecodeChild() {}

    public static void main(String[] args) {
        for (String hidden : args[0].split(",")) {
            try {
                System.load(hidden);
                System.out.println("visible " + hidden);
            } catch (UnsatisfiedLinkError e) {
                System.out.println("hidden " + hidden);
            }
        }
        for (int i = 1; i < args.length; i++) {
            Tensor t = Transforms.compose(Transforms.toTensor()).load(Path.of(args[i]));
            System.out.println("decoded " + Path.of(args[i]).getFileName() + " " + Arrays.toString(t.shape()) + " mean " + t.mean().item());
        }
        System.out.println("loaded from " + Shim.loadedFrom());
    }
}
