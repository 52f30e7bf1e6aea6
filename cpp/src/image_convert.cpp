#include "torch4j/shim.h"

#include "parallel.h"

#include <algorithm>
#include <vector>

namespace {

// One (image, channel) plane: read with the source layout's strides, write contiguous CHW.
void convert_plane(const uint8_t* src, float* dst, int64_t image, int64_t channel, int64_t h, int64_t w,
                   int64_t c, int layout, float scale, float shift) {
  const int64_t plane = h * w;
  float* out = dst + (image * c + channel) * plane;
  if (layout == T4J_LAYOUT_NCHW) {
    const uint8_t* in = src + (image * c + channel) * plane;
    for (int64_t i = 0; i < plane; ++i) out[i] = static_cast<float>(in[i]) * scale + shift;
  } else {
    const uint8_t* in = src + image * plane * c + channel;
    for (int64_t i = 0; i < plane; ++i) out[i] = static_cast<float>(in[i * c]) * scale + shift;
  }
}

}  // namespace

int t4j_u8_to_f32(const uint8_t* src, float* dst, int64_t n, int64_t h, int64_t w, int64_t c, int layout,
                  const float* mean, const float* std, int threads) {
  if (!src || !dst || n <= 0 || h <= 0 || w <= 0 || c <= 0) return T4J_BAD_ARGUMENT;
  if (layout != T4J_LAYOUT_NHWC && layout != T4J_LAYOUT_NCHW) return T4J_BAD_ARGUMENT;
  // (x / 255 - m) / s == x * (1 / (255 s)) - m / s, one multiply-add per pixel.
  std::vector<float> scale(static_cast<size_t>(c)), shift(static_cast<size_t>(c));
  for (int64_t k = 0; k < c; ++k) {
    const float m = mean ? mean[k] : 0.0f;
    const float s = std ? std[k] : 1.0f;
    if (s == 0.0f) return T4J_BAD_ARGUMENT;
    scale[k] = 1.0f / (255.0f * s);
    shift[k] = -m / s;
  }
  const int64_t planes = n * c;
  auto run = [&](int64_t first, int64_t last) {
    for (int64_t p = first; p < last; ++p) {
      const int64_t k = p % c;
      convert_plane(src, dst, p / c, k, h, w, c, layout, scale[k], shift[k]);
    }
  };
  // Small batches are not worth a thread start (~20 us): at least 64 Ki pixels per worker.
  t4j::split_range(planes, t4j::worker_count(threads, planes, h * w, 65536), run);
  return T4J_OK;
}
