package dev.torch4j.shim;

import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NativePlatformTest {
    @Test void mapsTheJvmsOsNamesAndArchitecturesToJavaCppsPlatformNames() {
        // os.name / os.arch as the JVMs of each platform report them
        assertThat(NativePlatform.of("Linux", "amd64")).isEqualTo("linux-x86_64");
        assertThat(NativePlatform.of("Linux", "aarch64")).isEqualTo("linux-arm64");
        assertThat(NativePlatform.of("Linux", "ppc64le")).isEqualTo("linux-ppc64le");
        assertThat(NativePlatform.of("Linux", "arm")).isEqualTo("linux-armhf");
        assertThat(NativePlatform.of("Mac OS X", "aarch64")).isEqualTo("macosx-arm64");
        assertThat(NativePlatform.of("Mac OS X", "x86_64")).isEqualTo("macosx-x86_64");
        assertThat(NativePlatform.of("Darwin", "arm64")).isEqualTo("macosx-arm64");
        assertThat(NativePlatform.of("Windows 11", "amd64")).isEqualTo("windows-x86_64");
        assertThat(NativePlatform.of("Windows Server 2022", "x86")).isEqualTo("windows-x86");
        assertThat(NativePlatform.of("FreeBSD", "amd64")).isEqualTo("freebsd-x86_64");
    }

    @Test void agreesWithJavaCppOnTheRunningMachine() {
        assertThat(NativePlatform.current()).isEqualTo(Loader.getPlatform());
    }

    @Test void onlyThePresetsPlatformsAreSupported() {
        assertThat(NativePlatform.SUPPORTED).allMatch(NativePlatform::supported);
        assertThat(NativePlatform.supported("linux-arm64")).isFalse();
        assertThat(NativePlatform.supported("windows-x86")).isFalse();
    }

    @Test void theMissingShimMessageSaysWhatToDoOnEachKindOfPlatform() {
        UnsatisfiedLinkError error = new UnsatisfiedLinkError("no jniNativeShim in java.library.path");
        assertThat(Shim.missingMessage("macosx-arm64", error, null))
                .contains("for platform macosx-arm64: java.lang.UnsatisfiedLinkError: no jniNativeShim",
                        "dev.torch4j:torch4j:", ":native-macosx-arm64 (torch4j-native-macosx-arm64.jar)",
                        "-Dtorch4j.shim.path", "target/classes/dev/torch4j/shim/macosx-arm64");
        assertThat(Shim.missingMessage("linux-ppc64le", error, "/opt/shim"))
                .contains("(torch4j.shim.path=/opt/shim)",
                        "torch4j publishes native jars for linux-x86_64, macosx-arm64, macosx-x86_64, windows-x86_64 only",
                        "on linux-ppc64le build the shim from source")
                .doesNotContain("native-linux-ppc64le");
    }
}
