package dev.torch4j.config;

/**
 * The one validation style of every option in torch4j's API (see docs/conventions.md): checked when it is set,
 * refused with an {@link IllegalArgumentException} that names the class, the option, the rule and the value,
 * e.g. {@code Sgd momentum must be in [0, 1), got 1.5}. NaN passes no rule.
 */
public final class Check {
    private Check() {}

    /** {@code value} when {@code >= min}. */
    public static double atLeast(String owner, String option, double value, double min) {
        if (!(value >= min)) throw refused(owner, option, ">= " + fmt(min), String.valueOf(value));
        return value;
    }

    /** {@code value} when {@code > min}. */
    public static double above(String owner, String option, double value, double min) {
        if (!(value > min)) throw refused(owner, option, "> " + fmt(min), String.valueOf(value));
        return value;
    }

    /** {@code value} when in [lo, hi). */
    public static double inRange(String owner, String option, double value, double lo, double hi) {
        if (!(value >= lo && value < hi)) throw refused(owner, option, "in [" + fmt(lo) + ", " + fmt(hi) + ")", String.valueOf(value));
        return value;
    }

    /** {@code value} when in [lo, hi], both ends included (ranks, ports, counts). */
    public static int between(String owner, String option, int value, int lo, int hi) {
        if (value < lo || value > hi) throw refused(owner, option, "in [" + lo + ", " + hi + "]", String.valueOf(value));
        return value;
    }

    /** {@code value} when {@code >= min}. */
    public static long atLeast(String owner, String option, long value, long min) {
        if (value < min) throw refused(owner, option, ">= " + min, String.valueOf(value));
        return value;
    }

    /** {@code value} when {@code >= min}. */
    public static int atLeast(String owner, String option, int value, int min) {
        if (value < min) throw refused(owner, option, ">= " + min, String.valueOf(value));
        return value;
    }

    /** {@code value} when not null. */
    public static <T> T present(String owner, String option, T value) {
        if (value == null) throw new IllegalArgumentException(owner + " " + option + " must be given, got null");
        return value;
    }

    /** The error for an option whose value breaks {@code rule}. */
    public static IllegalArgumentException refused(String owner, String option, String rule, String value) {
        return new IllegalArgumentException(owner + " " + option + " must be " + rule + ", got " + value);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
