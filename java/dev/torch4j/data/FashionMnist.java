package dev.torch4j.data;

import java.nio.file.Path;
import java.util.List;

/** Fashion-MNIST (Zalando, MIT licence): 60,000 + 10,000 grey 28x28 images of 10 kinds of clothing. */
public final class FashionMnist {
    /** Where Debian's dataset-fashion-mnist package puts the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot");
    static final MnistData.Spec SPEC = new MnistData.Spec("fashion-mnist",
            List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            MnistData.md5s("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                    "train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe",
                    "t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79",
                    "t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
            CLASSES);

    private FashionMnist() {}

    /**
     * The sample embedded in torch4j's jar: the first 6,000 training and 1,000 test images of the real
     * Fashion-MNIST (MIT licence, notice in the jar beside the files). Always available, offline.
     */
    public static MnistData sample() {
        return MnistData.fromResources(SPEC, "/dev/torch4j/data/sample");
    }

    /**
     * The full data set when it is installed in one of the standard places ($TORCH4J_DATA, ~/.torch4j/data,
     * /usr/share/datasets), else the embedded sample; never downloads.
     */
    public static MnistData installedOrSample() {
        return MnistData.installed(SPEC).orElseGet(FashionMnist::sample);
    }

    /** From the standard places (see {@link MnistData}), downloading where possible. */
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
}
