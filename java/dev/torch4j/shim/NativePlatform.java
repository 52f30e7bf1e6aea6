package dev.torch4j.shim;

import java.util.List;
import java.util.Locale;

/**
 * Platform names as JavaCPP spells them ({@code linux-x86_64}, {@code macosx-arm64}, ...): the suffix of every
 * native jar, ours ({@code torch4j-native-<platform>.jar}) and the presets'. Computed here from
 * {@code os.name} / {@code os.arch} so that messages can name the right jar even when JavaCPP itself is absent.
 */
public final class NativePlatform {
    /** The platforms torch4j builds a native jar for (those the PyTorch presets ship). */
    public static final List<String> SUPPORTED = List.of("linux-x86_64", "macosx-arm64", "macosx-x86_64", "windows-x86_64");

    private NativePlatform() {}

    /** The running JVM's platform. */
    public static String current() {
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /** The platform for an {@code os.name} / {@code os.arch} pair, e.g. "Mac OS X", "aarch64" gives "macosx-arm64". */
    public static String of(String osName, String osArch) {
        return os(osName) + "-" + arch(osArch);
    }

    public static boolean supported(String platform) {
        return SUPPORTED.contains(platform);
    }

    private static String os(String osName) {
        String os = osName.toLowerCase(Locale.ROOT).replace(" ", "");
        if (os.startsWith("linux")) return "linux";
        if (os.startsWith("macosx") || os.startsWith("darwin") || os.startsWith("macos")) return "macosx";
        if (os.startsWith("windows")) return "windows";
        if (os.startsWith("sunos") || os.startsWith("solaris")) return "solaris";
        return os.isEmpty() ? "unknown" : os;
    }

    private static String arch(String osArch) {
        String arch = osArch.toLowerCase(Locale.ROOT);
        switch (arch) {
            case "amd64": case "x86_64": case "x86-64": case "em64t": case "x64": return "x86_64";
            case "aarch64": case "arm64": case "armv8": return "arm64";
            case "i386": case "i486": case "i586": case "i686": case "x86": return "x86";
            case "arm": case "armv7": case "armv7l": case "armhf": return "armhf";
            case "ppc64le": case "powerpc64le": return "ppc64le";
            default: return arch.isEmpty() ? "unknown" : arch;
        }
    }
}
