package dev.torch4j.data;

import dev.torch4j.shim.NativeShim;
import dev.torch4j.tensor.Tensor;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * One step of an image {@link Pipeline}, as torchvision defines it (same parameters, same defaults,
 * same arithmetic on 8-bit images). Make them with {@link Transforms}; the {@code Random...} steps draw
 * their parameters from the sample's own random stream. A step of your own is a {@link Lambda}, written
 * in Java and composed with the native steps in the same pipeline.
 */
public sealed interface Transform {

    /** The step as the native pipeline program: opcode, argument count, arguments. */
    double[] encode();

    /**
     * A step written in Java (torchvision's {@code transforms.Lambda}, or a class of your own). It receives one
     * image as a float32 tensor [C, H, W], values in [0, 1] when it follows the 8-bit steps (converted as
     * {@code ToTensor} does), and returns the transformed image: float, [C', H', W'], any size. The native steps
     * after it work on floats, as torchvision's tensor transforms do (no 8-bit rounding).
     *
     * <p>{@code random} is this sample's own stream, seeded from the sample's seed: draw from it (not from a
     * global source) and batches stay the same whatever the thread count, epoch after epoch. The step runs on
     * the loader's threads, several images at once, so it must be safe to call concurrently (a lambda that
     * keeps no state is). Tensors it makes are released after the image is copied into the batch.
     *
     * <pre>{@code
     * Transform.Lambda invert = (image, random) -> Tensor.ones(image.shape()).sub(image);
     * Pipeline p = Transforms.compose(Transforms.resize(32, 32), Transforms.lambda("invert", invert), Transforms.normalize(...));
     * }</pre>
     */
    @FunctionalInterface
    non-sealed interface Lambda extends Transform {
        Tensor apply(Tensor image, RandomGenerator random);

        /** Runs in Java: there is no native program for it. */
        @Override default double[] encode() {
            throw new UnsupportedOperationException(this + " is a Java step; it has no native program");
        }
    }

    /** A {@link Lambda} with a name for messages and {@code toString} ({@link Transforms#lambda}). */
    record Named(String name, Lambda step) implements Lambda {
        public Named {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("a Lambda step needs a name");
            if (step == null) throw new IllegalArgumentException("Lambda '" + name + "' has no function (null)");
        }

        @Override public Tensor apply(Tensor image, RandomGenerator random) {
            return step.apply(image, random);
        }

        @Override public String toString() {
            return "Lambda(" + name + ")";
        }
    }

    private static double[] op(int code, double... args) {
        double[] out = new double[args.length + 2];
        out[0] = code;
        out[1] = args.length;
        System.arraycopy(args, 0, out, 2, args.length);
        return out;
    }

    private static double[] fill3(double[] fill) {
        return new double[] {fill[0], fill[Math.min(1, fill.length - 1)], fill[Math.min(2, fill.length - 1)]};
    }

    private static String fillText(double[] fill) {
        return fill.length == 1 ? fmt(fill[0]) : Arrays.toString(fill);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** Bilinear, antialiased resize to height x width; width 0 makes height the shorter side. */
    record Resize(int height, int width) implements Transform {
        public Resize {
            if (height <= 0 || width < 0) throw new IllegalArgumentException("Resize needs a positive size, got " + height + "x" + width);
        }

        @Override public double[] encode() {
            return op(NativeShim.OP_RESIZE, height, width);
        }

        @Override public String toString() {
            return "Resize(size=" + (width == 0 ? String.valueOf(height) : "(" + height + ", " + width + ")") + ", interpolation=bilinear)";
        }
    }

    /** The central height x width region, zero-padded where the image is smaller. */
    record CenterCrop(int height, int width) implements Transform {
        public CenterCrop {
            if (height <= 0 || width <= 0) throw new IllegalArgumentException("CenterCrop needs a positive size, got " + height + "x" + width);
        }

        @Override public double[] encode() {
            return op(NativeShim.OP_CENTER_CROP, height, width);
        }

        @Override public String toString() {
            return "CenterCrop(size=(" + height + ", " + width + "))";
        }
    }

    /** The region at (top, left) of height x width (torchvision's F.crop). */
    record Crop(int top, int left, int height, int width) implements Transform {
        public Crop {
            if (height <= 0 || width <= 0) throw new IllegalArgumentException("Crop needs a positive size, got " + height + "x" + width);
        }

        @Override public double[] encode() {
            return op(NativeShim.OP_CROP, top, left, height, width);
        }
    }

    /** A random region (area fraction in [minScale, maxScale], aspect in [minRatio, maxRatio]) resized to height x width. */
    record RandomResizedCrop(int height, int width, double minScale, double maxScale, double minRatio, double maxRatio) implements Transform {
        public RandomResizedCrop {
            if (height <= 0 || width <= 0) throw new IllegalArgumentException("RandomResizedCrop needs a positive size, got " + height + "x" + width);
            if (!(minScale > 0 && minScale <= maxScale)) throw new IllegalArgumentException("RandomResizedCrop scale must be 0 < min <= max, got (" + minScale + ", " + maxScale + ")");
            if (!(minRatio > 0 && minRatio <= maxRatio)) throw new IllegalArgumentException("RandomResizedCrop ratio must be 0 < min <= max, got (" + minRatio + ", " + maxRatio + ")");
        }

        /** The same crop with another area range (torchvision's {@code scale=(min, max)}; default 0.08 to 1). */
        public RandomResizedCrop scale(double min, double max) {
            return new RandomResizedCrop(height, width, min, max, minRatio, maxRatio);
        }

        /** The same crop with another aspect range (default 3/4 to 4/3). */
        public RandomResizedCrop ratio(double min, double max) {
            return new RandomResizedCrop(height, width, minScale, maxScale, min, max);
        }

        @Override public double[] encode() {
            return op(NativeShim.OP_RANDOM_RESIZED_CROP, height, width, minScale, maxScale, Math.log(minRatio), Math.log(maxRatio));
        }

        @Override public String toString() {
            return "RandomResizedCrop(size=(" + height + ", " + width + "), scale=(" + minScale + ", " + maxScale + "), ratio=(" + minRatio + ", " + maxRatio + "))";
        }
    }

    /** Rotation by a random angle in [minDegrees, maxDegrees] about the centre, nearest neighbour, uncovered pixels = fill. */
    record RandomRotation(double minDegrees, double maxDegrees, double[] fill) implements Transform {
        public RandomRotation {
            if (minDegrees > maxDegrees) throw new IllegalArgumentException("RandomRotation degrees must be min <= max, got (" + minDegrees + ", " + maxDegrees + ")");
            fill = checkFill(fill);
        }

        /** The same rotation with another fill (one value for all channels, or one per channel). */
        public RandomRotation fill(double... values) {
            return new RandomRotation(minDegrees, maxDegrees, values);
        }

        @Override public double[] encode() {
            double[] f = fill3(fill);
            return op(NativeShim.OP_RANDOM_ROTATION, minDegrees, maxDegrees, f[0], f[1], f[2]);
        }

        @Override public String toString() {
            return "RandomRotation(degrees=[" + minDegrees + ", " + maxDegrees + "], interpolation=nearest, fill=" + fillText(fill) + ")";
        }
    }

    /** Rotation by a fixed angle (counter-clockwise, degrees), as torchvision's F.rotate. */
    record Rotate(double degrees, double[] fill) implements Transform {
        public Rotate {
            fill = checkFill(fill);
        }

        @Override public double[] encode() {
            double[] f = fill3(fill);
            return op(NativeShim.OP_ROTATE, degrees, f[0], f[1], f[2]);
        }

        @Override public String toString() {
            return "Rotate(" + degrees + ", fill=" + fillText(fill) + ")";
        }
    }

    /**
     * A random affine warp about the centre: angle in [minDegrees, maxDegrees], translation up to a
     * fraction of the size, scale in [minScale, maxScale], shears in degrees; nearest neighbour.
     */
    record RandomAffine(double minDegrees, double maxDegrees, double translateX, double translateY, double minScale, double maxScale,
                        double minShearX, double maxShearX, double minShearY, double maxShearY, double[] fill) implements Transform {
        public RandomAffine {
            if (minDegrees > maxDegrees) throw new IllegalArgumentException("RandomAffine degrees must be min <= max, got (" + minDegrees + ", " + maxDegrees + ")");
            if (translateX < 0 || translateX > 1 || translateY < 0 || translateY > 1) {
                throw new IllegalArgumentException("RandomAffine translate fractions must be in [0, 1], got (" + translateX + ", " + translateY + ")");
            }
            if (!(minScale > 0 && minScale <= maxScale)) throw new IllegalArgumentException("RandomAffine scale must be 0 < min <= max, got (" + minScale + ", " + maxScale + ")");
            if (minShearX > maxShearX || minShearY > maxShearY) throw new IllegalArgumentException("RandomAffine shear ranges must be min <= max");
            fill = checkFill(fill);
        }

        /** Random translation up to these fractions of the width and height. */
        public RandomAffine translate(double fx, double fy) {
            return new RandomAffine(minDegrees, maxDegrees, fx, fy, minScale, maxScale, minShearX, maxShearX, minShearY, maxShearY, fill);
        }

        /** Random scale in [min, max]. */
        public RandomAffine scale(double min, double max) {
            return new RandomAffine(minDegrees, maxDegrees, translateX, translateY, min, max, minShearX, maxShearX, minShearY, maxShearY, fill);
        }

        /** Random x-shear in [-degrees, degrees] (torchvision's {@code shear=degrees}). */
        public RandomAffine shear(double degrees) {
            return shear(-degrees, degrees, 0, 0);
        }

        /** Random x-shear in [minX, maxX] and y-shear in [minY, maxY]. */
        public RandomAffine shear(double minX, double maxX, double minY, double maxY) {
            return new RandomAffine(minDegrees, maxDegrees, translateX, translateY, minScale, maxScale, minX, maxX, minY, maxY, fill);
        }

        public RandomAffine fill(double... values) {
            return new RandomAffine(minDegrees, maxDegrees, translateX, translateY, minScale, maxScale, minShearX, maxShearX, minShearY, maxShearY, values);
        }

        @Override public double[] encode() {
            double[] f = fill3(fill);
            return op(NativeShim.OP_RANDOM_AFFINE, minDegrees, maxDegrees, translateX, translateY, minScale, maxScale,
                    minShearX, maxShearX, minShearY, maxShearY, f[0], f[1], f[2]);
        }

        @Override public String toString() {
            return "RandomAffine(degrees=[" + minDegrees + ", " + maxDegrees + "], translate=(" + translateX + ", " + translateY
                    + "), scale=(" + minScale + ", " + maxScale + "), shear=[" + minShearX + ", " + maxShearX + ", " + minShearY + ", "
                    + maxShearY + "], fill=" + fillText(fill) + ")";
        }
    }

    /** A fixed affine warp (torchvision's F.affine): angle and shears in degrees, translation in pixels. */
    record Affine(double degrees, double translateX, double translateY, double scale, double shearX, double shearY, double[] fill) implements Transform {
        public Affine {
            if (!(scale > 0)) throw new IllegalArgumentException("Affine scale must be positive, got " + scale);
            fill = checkFill(fill);
        }

        @Override public double[] encode() {
            double[] f = fill3(fill);
            return op(NativeShim.OP_AFFINE, degrees, translateX, translateY, scale, shearX, shearY, f[0], f[1], f[2]);
        }
    }

    /** A left-right flip with probability p. */
    record RandomHorizontalFlip(double p) implements Transform {
        public RandomHorizontalFlip {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("flip probability must be in [0, 1], got " + p);
        }

        @Override public double[] encode() {
            return op(NativeShim.OP_RANDOM_HFLIP, p);
        }

        @Override public String toString() {
            return "RandomHorizontalFlip(p=" + p + ")";
        }
    }

    /** A left-right flip, always. */
    record HorizontalFlip() implements Transform {
        @Override public double[] encode() {
            return op(NativeShim.OP_HFLIP);
        }
    }

    /**
     * Brightness, contrast and saturation factors drawn from [1 - x, 1 + x], hue shift from [-hue, hue],
     * applied in a random order (torchvision's ColorJitter); 0 turns an adjustment off.
     */
    record ColorJitter(double brightness, double contrast, double saturation, double hue) implements Transform {
        public ColorJitter {
            if (brightness < 0 || contrast < 0 || saturation < 0) {
                throw new IllegalArgumentException("ColorJitter brightness, contrast and saturation must be >= 0, got " + brightness + ", " + contrast + ", " + saturation);
            }
            if (hue < 0 || hue > 0.5) throw new IllegalArgumentException("ColorJitter hue must be in [0, 0.5], got " + hue);
        }

        @Override public double[] encode() {
            return op(NativeShim.OP_COLOR_JITTER, lo(brightness), 1 + brightness, lo(contrast), 1 + contrast,
                    lo(saturation), 1 + saturation, hue == 0 ? Double.NaN : -hue, hue);
        }

        private static double lo(double x) {
            return x == 0 ? Double.NaN : Math.max(0, 1 - x);
        }

        @Override public String toString() {
            return "ColorJitter(brightness=" + brightness + ", contrast=" + contrast + ", saturation=" + saturation + ", hue=" + hue + ")";
        }
    }

    /** One colour adjustment with a fixed factor (torchvision's F.adjust_brightness and friends). */
    record Adjust(Kind kind, double factor) implements Transform {
        public enum Kind { BRIGHTNESS, CONTRAST, SATURATION, HUE }

        public Adjust {
            if (kind == Kind.HUE ? factor < -0.5 || factor > 0.5 : factor < 0) {
                throw new IllegalArgumentException(kind.name().toLowerCase() + " factor out of range: " + factor);
            }
        }

        @Override public double[] encode() {
            return op(NativeShim.OP_ADJUST, kind.ordinal(), factor);
        }
    }

    /** Grey levels (ITU-R 601-2 luma), as 1 channel or replicated to 3. */
    record Grayscale(int channels) implements Transform {
        public Grayscale {
            if (channels != 1 && channels != 3) throw new IllegalArgumentException("Grayscale makes 1 or 3 channels, got " + channels);
        }

        @Override public double[] encode() {
            return op(NativeShim.OP_GRAYSCALE, channels);
        }

        @Override public String toString() {
            return "Grayscale(num_output_channels=" + channels + ")";
        }
    }

    /** 8-bit values to floats in [0, 1] (CHW in the batch). */
    record ToTensor() implements Transform {
        @Override public double[] encode() {
            return op(NativeShim.OP_TO_TENSOR);
        }

        @Override public String toString() {
            return "ToTensor()";
        }
    }

    /** (x - mean[c]) / std[c] per channel. */
    record Normalize(double[] mean, double[] std) implements Transform {
        public Normalize {
            if (mean.length == 0 || mean.length != std.length) {
                throw new IllegalArgumentException("Normalize needs as many means as stds, got " + mean.length + " and " + std.length);
            }
            for (double s : std) if (s == 0) throw new IllegalArgumentException("Normalize std must not be zero: " + Arrays.toString(std));
            mean = mean.clone();
            std = std.clone();
        }

        @Override public double[] encode() {
            double[] args = new double[1 + 2 * mean.length];
            args[0] = mean.length;
            System.arraycopy(mean, 0, args, 1, mean.length);
            System.arraycopy(std, 0, args, 1 + mean.length, std.length);
            return op(NativeShim.OP_NORMALIZE, args);
        }

        @Override public String toString() {
            return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
        }
    }

    private static double[] checkFill(double[] fill) {
        if (fill == null || fill.length == 0) return new double[] {0};
        if (fill.length != 1 && fill.length != 3) throw new IllegalArgumentException("fill takes 1 or 3 values, got " + fill.length);
        return fill.clone();
    }
}
