package dev.torch4j.data;

/**
 * torchvision's transforms, by the same names and defaults. {@link #compose} makes a {@link Pipeline}
 * that runs natively, one pass per image (a {@link #lambda} step of your own runs in Java between native passes):
 *
 * <pre>{@code
 * Pipeline train = Transforms.compose(
 *         Transforms.resize(150, 150),
 *         Transforms.randomRotation(40),
 *         Transforms.randomResizedCrop(150, 150).scale(0.8, 1.2),
 *         Transforms.randomHorizontalFlip(),
 *         Transforms.randomAffine(0).shear(20),
 *         Transforms.colorJitter(0.2, 0.2, 0.2),
 *         Transforms.toTensor(),
 *         Transforms.normalize(new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5}));
 * }</pre>
 */
public final class Transforms {
    private Transforms() {}

    public static Pipeline compose(Transform... steps) {
        return new Pipeline(java.util.Arrays.asList(steps));
    }

    /** A step written in Java, named {@code name} in messages (torchvision's {@code Lambda}); see {@link Transform.Lambda}. */
    public static Transform.Lambda lambda(String name, Transform.Lambda step) {
        return new Transform.Named(name, step);
    }

    /** Resize to exactly height x width (bilinear, antialiased). */
    public static Transform.Resize resize(int height, int width) {
        return new Transform.Resize(height, width);
    }

    /** Resize so that the shorter side is {@code size}, keeping the aspect ratio (torchvision's Resize(int)). */
    public static Transform.Resize resize(int size) {
        return new Transform.Resize(size, 0);
    }

    public static Transform.CenterCrop centerCrop(int size) {
        return new Transform.CenterCrop(size, size);
    }

    public static Transform.CenterCrop centerCrop(int height, int width) {
        return new Transform.CenterCrop(height, width);
    }

    public static Transform.Crop crop(int top, int left, int height, int width) {
        return new Transform.Crop(top, left, height, width);
    }

    /** torchvision's defaults: area 8 % to 100 %, aspect 3/4 to 4/3. */
    public static Transform.RandomResizedCrop randomResizedCrop(int height, int width) {
        return new Transform.RandomResizedCrop(height, width, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }

    public static Transform.RandomResizedCrop randomResizedCrop(int size) {
        return randomResizedCrop(size, size);
    }

    /** A random angle in [-degrees, degrees], fill 0. */
    public static Transform.RandomRotation randomRotation(double degrees) {
        if (degrees < 0) throw new IllegalArgumentException("RandomRotation degrees must be >= 0, got " + degrees);
        return new Transform.RandomRotation(-degrees, degrees, new double[] {0});
    }

    public static Transform.RandomRotation randomRotation(double minDegrees, double maxDegrees) {
        return new Transform.RandomRotation(minDegrees, maxDegrees, new double[] {0});
    }

    public static Transform.Rotate rotate(double degrees, double... fill) {
        return new Transform.Rotate(degrees, fill);
    }

    /** A random angle in [-degrees, degrees]; add translate, scale and shear with its methods. */
    public static Transform.RandomAffine randomAffine(double degrees) {
        if (degrees < 0) throw new IllegalArgumentException("RandomAffine degrees must be >= 0, got " + degrees);
        return new Transform.RandomAffine(-degrees, degrees, 0, 0, 1, 1, 0, 0, 0, 0, new double[] {0});
    }

    public static Transform.Affine affine(double degrees, double translateX, double translateY, double scale, double shearX, double shearY) {
        return new Transform.Affine(degrees, translateX, translateY, scale, shearX, shearY, new double[] {0});
    }

    /** Flip with probability 0.5. */
    public static Transform.RandomHorizontalFlip randomHorizontalFlip() {
        return new Transform.RandomHorizontalFlip(0.5);
    }

    public static Transform.RandomHorizontalFlip randomHorizontalFlip(double p) {
        return new Transform.RandomHorizontalFlip(p);
    }

    public static Transform.HorizontalFlip horizontalFlip() {
        return new Transform.HorizontalFlip();
    }

    public static Transform.ColorJitter colorJitter(double brightness, double contrast, double saturation) {
        return new Transform.ColorJitter(brightness, contrast, saturation, 0);
    }

    public static Transform.ColorJitter colorJitter(double brightness, double contrast, double saturation, double hue) {
        return new Transform.ColorJitter(brightness, contrast, saturation, hue);
    }

    public static Transform.Adjust brightness(double factor) {
        return new Transform.Adjust(Transform.Adjust.Kind.BRIGHTNESS, factor);
    }

    public static Transform.Adjust contrast(double factor) {
        return new Transform.Adjust(Transform.Adjust.Kind.CONTRAST, factor);
    }

    public static Transform.Adjust saturation(double factor) {
        return new Transform.Adjust(Transform.Adjust.Kind.SATURATION, factor);
    }

    public static Transform.Adjust hue(double factor) {
        return new Transform.Adjust(Transform.Adjust.Kind.HUE, factor);
    }

    /** One grey channel. */
    public static Transform.Grayscale grayscale() {
        return new Transform.Grayscale(1);
    }

    public static Transform.Grayscale grayscale(int channels) {
        return new Transform.Grayscale(channels);
    }

    public static Transform.ToTensor toTensor() {
        return new Transform.ToTensor();
    }

    public static Transform.Normalize normalize(double[] mean, double[] std) {
        return new Transform.Normalize(mean, std);
    }

    public static Transform.Normalize normalize(Normalization n) {
        float[] m = n.mean(), s = n.std();
        double[] md = new double[m.length], sd = new double[s.length];
        for (int i = 0; i < m.length; i++) md[i] = m[i];
        for (int i = 0; i < s.length; i++) sd[i] = s[i];
        return new Transform.Normalize(md, sd);
    }
}
