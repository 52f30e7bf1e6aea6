package dev.torch4j.data;

import java.nio.file.Path;
import java.util.List;

/** MNIST handwritten digits: 60,000 + 10,000 grey 28x28 images of the digits 0-9. */
public final class Mnist {
    static final MnistData.Spec SPEC = new MnistData.Spec("mnist",
            List.of("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"),
            MnistData.md5s("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                    "train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432",
                    "t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3",
                    "t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));

    private Mnist() {}

    public static MnistData load() {
        return MnistData.load(SPEC, null);
    }

    /** From {@code dir} only; when it lacks one of the four files, an error names the missing ones. */
    public static MnistData load(Path dir) {
        return MnistData.load(SPEC, dir);
    }

    /** Downloads the four files into {@code dir} (checksums verified; files already there are kept), then reads them. */
    public static MnistData download(Path dir) {
        return MnistData.downloadInto(SPEC, dir);
    }

    /** MNIST from $TORCH4J_DATA/mnist, ~/.torch4j/data/mnist or /usr/share/datasets/mnist, never downloaded. */
    public static java.util.Optional<MnistData> installed() {
        return MnistData.installed(SPEC);
    }
}
