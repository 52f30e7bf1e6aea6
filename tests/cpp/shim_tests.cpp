// Unit tests of the native shim, run by ctest in Maven's test phase. No framework: each check prints
// what failed and the test exits non-zero.
#include "torch4j/shim.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

static int failures = 0;

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                     \
    }                                                                 \
  } while (0)

static bool near(float a, float b) { return std::fabs(a - b) <= 1e-6f * std::fmax(1.0f, std::fabs(b)); }

static void hwc_to_chw_normalised() {
  // One 2x2 RGB image, HWC: pixel (y, x) has channels (r, g, b).
  const uint8_t src[12] = {0, 51, 255,  102, 153, 204,  255, 0, 51,  10, 20, 30};
  const float mean[3] = {0.5f, 0.25f, 0.0f};
  const float stdv[3] = {0.5f, 0.25f, 2.0f};
  float dst[12];
  CHECK(t4j_u8_to_f32(src, dst, 1, 2, 2, 3, T4J_LAYOUT_NHWC, mean, stdv, 1) == T4J_OK);
  // Hand-computed: channel 0 = (v/255 - 0.5)/0.5 for v = 0, 102, 255, 10.
  CHECK(near(dst[0], -1.0f));
  CHECK(near(dst[1], (102 / 255.0f - 0.5f) / 0.5f));
  CHECK(near(dst[2], 1.0f));
  CHECK(near(dst[3], (10 / 255.0f - 0.5f) / 0.5f));
  // channel 1 = (v/255 - 0.25)/0.25 for v = 51, 153, 0, 20
  CHECK(near(dst[4], (0.2f - 0.25f) / 0.25f));
  CHECK(near(dst[5], (0.6f - 0.25f) / 0.25f));
  CHECK(near(dst[6], -1.0f));
  CHECK(near(dst[7], (20 / 255.0f - 0.25f) / 0.25f));
  // channel 2 = v/255/2 for v = 255, 204, 51, 30
  CHECK(near(dst[8], 0.5f));
  CHECK(near(dst[9], 0.4f));
  CHECK(near(dst[10], 0.1f));
  CHECK(near(dst[11], 30 / 255.0f / 2.0f));
}

static void chw_without_normalisation_is_to_tensor() {
  const uint8_t src[4] = {0, 1, 128, 255};
  float dst[4];
  CHECK(t4j_u8_to_f32(src, dst, 2, 1, 2, 1, T4J_LAYOUT_NCHW, nullptr, nullptr, 0) == T4J_OK);
  CHECK(dst[0] == 0.0f);
  CHECK(near(dst[1], 1 / 255.0f));
  CHECK(near(dst[2], 128 / 255.0f));
  CHECK(dst[3] == 1.0f);
}

static void threads_give_the_same_result() {
  const int64_t n = 16, h = 64, w = 48, c = 3;
  std::vector<uint8_t> src(static_cast<size_t>(n * h * w * c));
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>((i * 2654435761u) >> 24);
  const float mean[3] = {0.485f, 0.456f, 0.406f}, stdv[3] = {0.229f, 0.224f, 0.225f};
  std::vector<float> one(src.size()), many(src.size());
  CHECK(t4j_u8_to_f32(src.data(), one.data(), n, h, w, c, T4J_LAYOUT_NHWC, mean, stdv, 1) == T4J_OK);
  CHECK(t4j_u8_to_f32(src.data(), many.data(), n, h, w, c, T4J_LAYOUT_NHWC, mean, stdv, 4) == T4J_OK);
  CHECK(std::memcmp(one.data(), many.data(), one.size() * sizeof(float)) == 0);
  // Spot check against the formula: image 5, channel 2, pixel (7, 9).
  const size_t in = static_cast<size_t>(((5 * h + 7) * w + 9) * c + 2);
  const size_t out = static_cast<size_t>(((5 * c + 2) * h + 7) * w + 9);
  CHECK(near(many[out], (src[in] / 255.0f - mean[2]) / stdv[2]));
}

static void bad_arguments_are_refused() {
  uint8_t src[1] = {0};
  float dst[1];
  const float zero[1] = {0.0f};
  CHECK(t4j_u8_to_f32(nullptr, dst, 1, 1, 1, 1, T4J_LAYOUT_NCHW, nullptr, nullptr, 1) == T4J_BAD_ARGUMENT);
  CHECK(t4j_u8_to_f32(src, dst, 0, 1, 1, 1, T4J_LAYOUT_NCHW, nullptr, nullptr, 1) == T4J_BAD_ARGUMENT);
  CHECK(t4j_u8_to_f32(src, dst, 1, 1, 1, 1, 7, nullptr, nullptr, 1) == T4J_BAD_ARGUMENT);
  CHECK(t4j_u8_to_f32(src, dst, 1, 1, 1, 1, T4J_LAYOUT_NCHW, nullptr, zero, 1) == T4J_BAD_ARGUMENT);
}

static void allocator_tuning_reports_what_it_did() {
  const int r = t4j_tune_allocator(32 << 20, 1 << 30);
#if defined(__GLIBC__)
  CHECK(r == 1);
#else
  CHECK(r == 0);
#endif
  CHECK(std::strlen(t4j_version()) > 0);
}

int main() {
  hwc_to_chw_normalised();
  chw_without_normalisation_is_to_tensor();
  threads_give_the_same_result();
  bad_arguments_are_refused();
  allocator_tuning_reports_what_it_did();
  if (failures) std::fprintf(stderr, "%d check(s) failed\n", failures);
  else std::printf("shim_tests: all checks passed\n");
  return failures ? 1 : 0;
}
