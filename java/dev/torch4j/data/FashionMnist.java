package dev.torch4j.data;

import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (or MNIST: the same file names and format) from a directory holding the four standard
 * IDX files, gzipped or not. Images become float32 [N, 1, 28, 28] in [0, 1]; labels int64 [N].
 */
public final class FashionMnist {
    /** Where Debian's dataset-fashion-mnist package puts the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private final TensorDataset train, test;

    private FashionMnist(TensorDataset train, TensorDataset test) {
        this.train = train;
        this.test = test;
    }

    public static FashionMnist load(Path dir) {
        try (Scope s = Scope.open()) {
            TensorDataset train = new TensorDataset(s.keep(images(file(dir, "train-images-idx3-ubyte"))), s.keep(labels(file(dir, "train-labels-idx1-ubyte"))));
            TensorDataset test = new TensorDataset(s.keep(images(file(dir, "t10k-images-idx3-ubyte"))), s.keep(labels(file(dir, "t10k-labels-idx1-ubyte"))));
            return new FashionMnist(train, test);
        }
    }

    private static Path file(Path dir, String name) {
        for (String candidate : new String[] {name + ".gz", name}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) return p;
        }
        throw new IllegalArgumentException("missing " + name + "(.gz) in " + dir
                + "; on Debian: apt-get install dataset-fashion-mnist (files in " + DEBIAN_DIR + ")");
    }

    private static Tensor images(Path f) {
        Tensor u8 = Idx.read(f);
        if (u8.dim() != 3) throw new IllegalArgumentException(f + " holds " + u8.dim() + "-d data; images must be [N, H, W]");
        return u8.float32().div(255).unsqueeze(1);
    }

    private static Tensor labels(Path f) {
        Tensor u8 = Idx.read(f);
        if (u8.dim() != 1) throw new IllegalArgumentException(f + " holds " + u8.dim() + "-d data; labels must be [N]");
        return u8.int64();
    }

    public TensorDataset train() {
        return train;
    }

    public TensorDataset test() {
        return test;
    }
}
