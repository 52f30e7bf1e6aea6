package dev.torch4j.shim;

import dev.torch4j.data.ImageTensors;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The shim through its JavaCPP binding, loaded from the build output like from the jar. */
class ShimTest {
    @Test void loadsAndReportsItsVersion() {
        assertThat(Shim.available()).isTrue();
        assertThat(Shim.version()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test void allocatorIsTunedAtStartUpOnGlibc() {
        assertThat(Torch.allocatorTuning()).isEqualTo(1);
    }

    @Test void pixelsBecomeNormalisedChannelsFirstFloats() {
        // 2 images of 2x3 RGB in HWC order, compared with the same arithmetic done by libtorch
        Random r = new Random(3);
        byte[] px = new byte[2 * 2 * 3 * 3];
        r.nextBytes(px);
        float[] mean = {0.485f, 0.456f, 0.406f}, std = {0.229f, 0.224f, 0.225f};
        Tensor got = ImageTensors.fromPixels(px, 2, 2, 3, 3, true, mean, std);
        assertThat(got.shape()).containsExactly(2, 3, 2, 3);
        Tensor ref = Tensor.ofBytes(px, 2, 2, 3, 3).float32().div(255).permute(0, 3, 1, 2)
                .sub(Tensor.of(mean, 1, 3, 1, 1)).div(Tensor.of(std, 1, 3, 1, 1));
        float[] a = got.toFloatArray(), b = ref.contiguous().toFloatArray();
        for (int i = 0; i < a.length; i++) assertThat(a[i]).isCloseTo(b[i], within(1e-5f));
        // hand-checked corner: image 0, channel 0, pixel (0, 0)
        assertThat(a[0]).isCloseTo(((px[0] & 0xff) / 255f - 0.485f) / 0.229f, within(1e-5f));
    }

    @Test void channelsFirstInputWithoutNormalisationIsToTensor() {
        byte[] px = {0, (byte) 255, 51, 102};
        float[] v = ImageTensors.fromPixels(px, 1, 2, 2, 1, false, null, null).toFloatArray();
        assertThat(v[0]).isEqualTo(0f);
        assertThat(v[1]).isEqualTo(1f);
        assertThat(v[2]).isCloseTo(0.2f, within(1e-7f));
        assertThat(v[3]).isCloseTo(0.4f, within(1e-7f));
    }

    @Test void badSizesAreRefusedWithTheNumbers() {
        assertThatThrownBy(() -> ImageTensors.fromPixels(new byte[5], 1, 2, 2, 1, true, null, null))
                .hasMessageContaining("need 4 bytes, got 5");
        assertThatThrownBy(() -> ImageTensors.fromPixels(new byte[4], 1, 2, 2, 1, true, new float[] {0.5f}, new float[] {0f}))
                .hasMessageContaining("std non-zero");
    }
}
