#include "torch4j/shim.h"

#include "parallel.h"

#include <algorithm>
#include <vector>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define T4J_CONVERT_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define T4J_CONVERT_CLONES
#endif

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

namespace {

// One picked image: out[k] = (float(v) / 255 - mean) / std, divisions as IEEE float divisions (no reciprocal), so
// the bits are those of libtorch's float32(), div(255), sub(mean), div(std) one after the other.
T4J_CONVERT_CLONES void convert_row(const uint8_t* in, float* out, int64_t plane, int64_t c, const float* mean,
                                    const float* std) {
  for (int64_t k = 0; k < c; ++k) {
    const float m = mean ? mean[k] : 0.0f, s = std ? std[k] : 1.0f;
    const uint8_t* a = in + k * plane;
    float* b = out + k * plane;
    if (mean || std) {
      for (int64_t i = 0; i < plane; ++i) b[i] = (static_cast<float>(a[i]) / 255.0f - m) / s;
    } else {
      for (int64_t i = 0; i < plane; ++i) b[i] = static_cast<float>(a[i]) / 255.0f;
    }
  }
}

}  // namespace

int t4j_u8_rows_to_f32(const uint8_t* src, int64_t count, const int64_t* rows, int64_t n, int64_t c, int64_t plane,
                       const float* mean, const float* std, float* dst, int threads) {
  if (!src || !rows || !dst || count <= 0 || n <= 0 || c <= 0 || plane <= 0 || (!mean != !std)) return T4J_BAD_ARGUMENT;
  for (int64_t i = 0; i < n; ++i) {
    if (rows[i] < 0 || rows[i] >= count) return T4J_BAD_ARGUMENT;
  }
  if (std) {
    for (int64_t k = 0; k < c; ++k) {
      if (std[k] == 0.0f) return T4J_BAD_ARGUMENT;
    }
  }
  const int64_t row = c * plane;
  auto run = [&](int64_t first, int64_t last) {
    for (int64_t i = first; i < last; ++i) convert_row(src + rows[i] * row, dst + i * row, plane, c, mean, std);
  };
  // on the calling thread's OpenMP team (the batch is made between libtorch's operations); 64 Ki pixels per worker
  t4j::split_range_on_openmp(n, t4j::worker_count(threads, n, row, 65536), run);
  return T4J_OK;
}
