// Unit tests of the native shim, run by ctest in Maven's test phase. No framework: each check prints
// what failed and the test exits non-zero.
#include "torch4j/shim.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>
#if defined(__linux__)
#include <dlfcn.h>
#include <sys/resource.h>
#endif
#include <thread>

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
  const int r = t4j_tune_allocator(32 << 20, 1 << 30, 64 << 20);
#if defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define T4J_ASAN 1
#  endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(T4J_ASAN)
  CHECK(r == 1 || r == -1);  // AddressSanitizer's allocator stands in for glibc's and may refuse mallopt
#elif defined(__GLIBC__)
  CHECK(r == 1);
#else
  CHECK(r == 0);
#endif
  CHECK(std::strlen(t4j_version()) > 0);
}

#if defined(__linux__) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(T4J_ASAN)
static long thread_minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_minflt;
}

// A training step's tensors, on a thread of its own (as every Java thread is: none gets glibc's main arena): 96 MiB
// in 1 MiB buffers spans two of the arena's 64 MiB heaps. Freed and taken again, the memory must come back without
// page faults; with glibc's defaults the emptied heap is unmapped and every page faults again (~8,000 here).
static void freed_thread_heaps_stay_mapped() {
  long faults = -1;
  std::thread([&faults] {
    std::vector<char*> buffers(96);
    for (int round = 0; round < 2; ++round) {
      const long before = thread_minor_faults();
      for (auto& b : buffers) {
        b = static_cast<char*>(std::malloc(1 << 20));
        std::memset(b, round + 1, 1 << 20);
      }
      for (auto& b : buffers) std::free(b);
      if (round == 1) faults = thread_minor_faults() - before;
    }
  }).join();
  if (faults >= 1000) std::fprintf(stderr, "second round of 96 MiB faulted %ld pages\n", faults);
  CHECK(faults >= 0 && faults < 1000);
}
#endif

// Programs the fuzzer found (tests/cpp/fuzz/regressions holds their raw inputs): each is refused with a message,
// or runs and fills exactly the shape announced.
static bool refused(const std::vector<double>& program, const char* expect) {
  char error[256] = {0};
  if (t4j_pipeline_check(program.data(), static_cast<int64_t>(program.size()), error, sizeof error) == T4J_OK) {
    int64_t chw[3];
    if (t4j_pipeline_output_shape(program.data(), static_cast<int64_t>(program.size()), 20, 20, 3, 1, chw, error, sizeof error) == T4J_OK) return false;
  }
  if (!std::strstr(error, expect)) {
    std::fprintf(stderr, "expected an error with \"%s\", got \"%s\"\n", expect, error);
    return false;
  }
  return true;
}

static void fuzzer_findings_stay_fixed() {
  const double nan = std::nan("");
  // a NaN size was cast to an integer (undefined behaviour)
  CHECK(refused({T4J_OP_RESIZE, 2, nan, 30, T4J_OP_TO_TENSOR, 0}, "arguments must be finite numbers"));
  CHECK(refused({T4J_OP_ROTATE, 4, 1.0 / 0.0, 0, 0, 0, T4J_OP_TO_TENSOR, 0}, "arguments must be finite numbers"));
  // a NaN opcode or argument count was cast too
  CHECK(refused({nan, 0}, "small whole numbers"));
  // a fractional width became a width of 0
  CHECK(refused({T4J_OP_RESIZE, 2, 20.99, 0.0196, T4J_OP_TO_TENSOR, 0}, "whole numbers"));
  CHECK(refused({T4J_OP_CROP, 4, 0, 0, 1e9, 1e9, T4J_OP_TO_TENSOR, 0}, "sizes in [1, 65536]"));
  // Normalize without arguments read past the program
  CHECK(refused({T4J_OP_TO_TENSOR, 0, T4J_OP_NORMALIZE, 0}, "expected 3"));
  // a fractional channel count took 3 arguments, then its cast (3) read 7
  CHECK(refused({T4J_OP_TO_TENSOR, 0, T4J_OP_NORMALIZE, 3, 3.16797, 0.0117647, -7.9375}, "whole channel count"));
  CHECK(refused({T4J_OP_AFFINE, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, T4J_OP_TO_TENSOR, 0}, "scale must be > 0"));
  // RandomResizedCrop whose ratio range rounds the fallback crop's width to 0 read from a null row
  const std::vector<double> thin = {T4J_OP_RESIZE, 2, 16, 48, T4J_OP_TO_TENSOR, 0,
                                    T4J_OP_RANDOM_RESIZED_CROP, 6, 5, 30, 10.35, 20.39, -7.6875, -7.6875};
  char error[256] = {0};
  CHECK(t4j_pipeline_check(thin.data(), static_cast<int64_t>(thin.size()), error, sizeof error) == T4J_OK);
  std::vector<uint8_t> src(29 * 3);
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>(i * 7);
  std::vector<float> dst(3 * 5 * 30 + 1, -7.0f);
  int64_t seed = 1;
  int32_t status = -1;
  char errors[256] = {0};
  CHECK(t4j_pipeline_run_pixels(thin.data(), static_cast<int64_t>(thin.size()), src.data(), 0, T4J_LAYOUT_NHWC, 1, 3, 29, 1, &seed,
                                dst.data(), T4J_LAYOUT_NCHW, 3, 5, 30, 1, &status, errors, sizeof errors) == T4J_OK);
  CHECK(status == T4J_OK);
  CHECK(dst[3 * 5 * 30 - 1] != -7.0f && dst[3 * 5 * 30] == -7.0f);
}

static void pipeline_writes_either_layout() {
  // One 2x2 RGB image (HWC bytes) through ToTensor + Normalize: the NCHW output holds planes, the NHWC output each
  // pixel's three channels together, the same values (hand-computed: (v/255 - m)/s).
  const uint8_t src[12] = {0, 51, 255,  102, 153, 204,  255, 0, 51,  10, 20, 30};
  const std::vector<double> prog = {T4J_OP_TO_TENSOR, 0, T4J_OP_NORMALIZE, 7, 3, 0.5, 0.25, 0.0, 0.5, 0.25, 2.0};
  float planes[13], pixels[13];
  planes[12] = pixels[12] = -7.0f;
  int64_t seed = 0;
  int32_t status = -1;
  char errors[256] = {0};
  CHECK(t4j_pipeline_run_pixels(prog.data(), static_cast<int64_t>(prog.size()), src, 0, T4J_LAYOUT_NHWC, 1, 3, 2, 2, &seed,
                                planes, T4J_LAYOUT_NCHW, 3, 2, 2, 1, &status, errors, sizeof errors) == T4J_OK);
  CHECK(t4j_pipeline_run_pixels(prog.data(), static_cast<int64_t>(prog.size()), src, 0, T4J_LAYOUT_NHWC, 1, 3, 2, 2, &seed,
                                pixels, T4J_LAYOUT_NHWC, 3, 2, 2, 1, &status, errors, sizeof errors) == T4J_OK);
  const float m[3] = {0.5f, 0.25f, 0.0f}, sd[3] = {0.5f, 0.25f, 2.0f};
  for (int p = 0; p < 4; ++p) {
    for (int k = 0; k < 3; ++k) {
      const float want = (src[p * 3 + k] / 255.0f - m[k]) / sd[k];
      CHECK(near(planes[k * 4 + p], want));
      CHECK(near(pixels[p * 3 + k], want));
    }
  }
  CHECK(planes[12] == -7.0f && pixels[12] == -7.0f);
  CHECK(t4j_pipeline_run_pixels(prog.data(), static_cast<int64_t>(prog.size()), src, 0, T4J_LAYOUT_NHWC, 1, 3, 2, 2, &seed,
                                pixels, 5, 3, 2, 2, 1, &status, errors, sizeof errors) == T4J_BAD_ARGUMENT);
  CHECK(std::strstr(errors, "unknown layout") != nullptr);
}

static void adam_step_matches_the_formula() {
  // First step, p = 1, g = 0.5, lr 0.1: Adam's first step moves by lr * sign(g) (m / sqrt(v) = g / |g| after the
  // bias corrections), so p = 0.9; with coupled weight decay 0.1 the gradient is 0.6 and p is still 0.9; AdamW with
  // decay 0.1 shrinks p to 0.99 first, then 0.89.
  float p = 1, m = 0, v = 0;
  const float g = 0.5f;
  CHECK(t4j_adam_step_f32(&p, &g, &m, &v, nullptr, 1, 0.1, 0.9, 0.999, 1e-8, 0, 0, 1) == T4J_OK);
  CHECK(std::fabs(p - 0.9f) < 1e-6f && std::fabs(m - 0.05f) < 1e-8f && std::fabs(v - 0.00025f) < 1e-9f);
  p = 1, m = 0, v = 0;
  CHECK(t4j_adam_step_f32(&p, &g, &m, &v, nullptr, 1, 0.1, 0.9, 0.999, 1e-8, 0.1, 0, 1) == T4J_OK);
  CHECK(std::fabs(p - 0.9f) < 1e-6f && std::fabs(m - 0.06f) < 1e-8f);
  p = 1, m = 0, v = 0;
  CHECK(t4j_adam_step_f32(&p, &g, &m, &v, nullptr, 1, 0.1, 0.9, 0.999, 1e-8, 0.1, 1, 1) == T4J_OK);
  CHECK(std::fabs(p - 0.89f) < 1e-6f);
  // AMSGrad, second step with g = 0: v falls below its maximum, which divides instead
  p = 0.9f, m = 0.05f, v = 0.00025f;
  float vmax = 0.00025f;
  const float zero = 0;
  CHECK(t4j_adam_step_f32(&p, &zero, &m, &v, &vmax, 1, 0.1, 0.9, 0.999, 1e-8, 0, 0, 2) == T4J_OK);
  const double m2 = 0.045, bc1 = 1 - 0.81, bc2 = std::sqrt(1 - 0.999 * 0.999);
  const double want = 0.9 - 0.1 / bc1 * m2 / (std::sqrt(0.00025) / bc2 + 1e-8);
  CHECK(std::fabs(vmax - 0.00025f) < 1e-12f && std::fabs(v - 0.00025f * 0.999f) < 1e-9f);
  CHECK(std::fabs(p - static_cast<float>(want)) < 1e-6f);
  CHECK(t4j_adam_step_f32(&p, &g, &m, &v, nullptr, 1, 0.1, 0.9, 0.999, 1e-8, 0, 0, 0) == T4J_BAD_ARGUMENT);  // step 0
  CHECK(t4j_adam_step_f32(nullptr, &g, &m, &v, nullptr, 1, 0.1, 0.9, 0.999, 1e-8, 0, 0, 1) == T4J_BAD_ARGUMENT);
}

// The definition, summed in the order it is written: grad_input[n][c][iy][ix] = sum over o, i, j of
// grad_output[n][o][oy][ox] * weight[o][c][i][j] where iy = oy * sh - ph + i, ix = ox * sw - pw + j.
static std::vector<float> conv_grad_input_by_definition(const std::vector<float>& gy, const std::vector<float>& w,
                                                        const int64_t* g) {
  const int64_t n = g[0], c = g[1], h = g[2], wd = g[3], o = g[4], kh = g[5], kw = g[6], oh = g[7], ow = g[8];
  std::vector<float> gx(static_cast<size_t>(n * c * h * wd), 0.0f);
  for (int64_t s = 0; s < n; ++s)
    for (int64_t k = 0; k < o; ++k)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x)
          for (int64_t ch = 0; ch < c; ++ch)
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                const int64_t iy = y * g[9] - g[11] + i, ix = x * g[10] - g[12] + j;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                gx[static_cast<size_t>(((s * c + ch) * h + iy) * wd + ix)] +=
                    gy[static_cast<size_t>(((s * o + k) * oh + y) * ow + x)] * w[static_cast<size_t>(((k * c + ch) * kh + i) * kw + j)];
              }
  return gx;
}

static void conv_grad_input_matches_the_definition() {
  // By hand: one 3x3 input, one channel in and out, kernel 3 stride 2 padding 1 -> a 2x2 output. Output (0,0) reads
  // input rows/cols 0..1 through taps 1..2, output (1,1) reads rows/cols 1..2 through taps 0..1. With all weights
  // w[i][j] = 10 * i + j and output gradients 1, 2, 3, 4: input (1,1) is the only one all four outputs see, through
  // taps (2,2), (2,0), (0,2), (0,0): 22 * 1 + 20 * 2 + 2 * 3 + 0 * 4 = 68; input (0,0) only through output (0,0) tap (1,1): 11.
  const float w1[9] = {0, 1, 2, 10, 11, 12, 20, 21, 22};
  const float gy1[4] = {1, 2, 3, 4};
  float gx1[9];
  const int64_t g1[13] = {1, 1, 3, 3, 1, 3, 3, 2, 2, 2, 2, 1, 1};
  CHECK(t4j_conv2d_grad_input_f32(gy1, w1, gx1, g1, 1) == T4J_OK);
  CHECK(gx1[4] == 68.0f && gx1[0] == 11.0f);
  // against the definition on random values, over strides, paddings, kernels, channel counts and thread counts
  const int64_t cases[][13] = {
      {3, 4, 14, 14, 8, 3, 3, 7, 7, 2, 2, 1, 1}, {2, 1, 28, 28, 4, 3, 3, 14, 14, 2, 2, 1, 1},
      {5, 16, 4, 4, 32, 3, 3, 2, 2, 2, 2, 1, 1}, {2, 3, 9, 7, 5, 3, 3, 5, 4, 2, 2, 1, 1},
      {2, 5, 11, 10, 3, 5, 3, 4, 4, 3, 2, 2, 0}, {1, 2, 8, 8, 7, 1, 1, 4, 4, 2, 2, 0, 0},
      {2, 17, 6, 6, 6, 3, 3, 6, 6, 1, 1, 1, 1}, {1, 3, 7, 7, 2, 7, 7, 1, 1, 2, 2, 0, 0}};
  uint32_t seed = 12345;
  auto next = [&seed] { seed = seed * 1664525u + 1013904223u; return static_cast<float>(seed >> 8) / 16777216.0f - 0.5f; };
  for (const auto& g : cases) {
    std::vector<float> gy(static_cast<size_t>(g[0] * g[4] * g[7] * g[8])), w(static_cast<size_t>(g[4] * g[1] * g[5] * g[6]));
    for (float& v : gy) v = next();
    for (float& v : w) v = next();
    const std::vector<float> want = conv_grad_input_by_definition(gy, w, g);
    for (int threads : {1, 2, 3}) {
      std::vector<float> gx(want.size(), 99.0f);
      CHECK(t4j_conv2d_grad_input_f32(gy.data(), w.data(), gx.data(), g, threads) == T4J_OK);
      float worst = 0;
      for (size_t i = 0; i < want.size(); ++i) worst = std::max(worst, std::fabs(gx[i] - want[i]));
      CHECK(worst < 1e-5f);
    }
  }
  // refused: null buffers, an output size that is not the convolution's, a negative padding
  float out[9];
  CHECK(t4j_conv2d_grad_input_f32(nullptr, w1, out, g1, 1) == T4J_BAD_ARGUMENT);
  const int64_t wrong_size[13] = {1, 1, 3, 3, 1, 3, 3, 3, 3, 2, 2, 1, 1};
  CHECK(t4j_conv2d_grad_input_f32(gy1, w1, out, wrong_size, 1) == T4J_BAD_ARGUMENT);
  const int64_t negative_pad[13] = {1, 1, 3, 3, 1, 3, 3, 1, 1, 2, 2, -1, 0};
  CHECK(t4j_conv2d_grad_input_f32(gy1, w1, out, negative_pad, 1) == T4J_BAD_ARGUMENT);
}

// The convolution and its weight/bias gradients by their definitions (double sums), for the few-channel kernels.
static void conv_by_definition(const std::vector<float>& x, const std::vector<float>& w, const std::vector<float>& b,
                               const int64_t* g, std::vector<double>& y) {
  const int64_t n = g[0], c = g[1], h = g[2], wd = g[3], o = g[4], kh = g[5], kw = g[6], oh = g[7], ow = g[8];
  y.assign(static_cast<size_t>(n * o * oh * ow), 0.0);
  for (int64_t s = 0; s < n; ++s)
    for (int64_t k = 0; k < o; ++k)
      for (int64_t yy = 0; yy < oh; ++yy)
        for (int64_t xx = 0; xx < ow; ++xx) {
          double sum = b[static_cast<size_t>(k)];
          for (int64_t ch = 0; ch < c; ++ch)
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                const int64_t iy = yy * g[9] - g[11] + i, ix = xx * g[10] - g[12] + j;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                sum += static_cast<double>(x[static_cast<size_t>(((s * c + ch) * h + iy) * wd + ix)]) *
                       w[static_cast<size_t>(((k * c + ch) * kh + i) * kw + j)];
              }
          y[static_cast<size_t>(((s * o + k) * oh + yy) * ow + xx)] = sum;
        }
}

static void few_channel_conv_matches_the_definition() {
  // By hand: one 3x3 input x[i][j] = 3 * i + j, weights all 1 except w[1][1] = 2, bias 0.5, kernel 3 stride 2
  // padding 1 -> 2x2. Output (0,0) sees rows/cols 0..1 (values 0, 1, 3, 4), x[0][0] through the centre tap:
  // 0 * 2 + 1 + 3 + 4 + 0.5 = 8.5; output (1,1) sees rows/cols 1..2 (4, 5, 7, 8), x[2][2] through the centre: 4 + 5 + 7 + 16 + 0.5 = 32.5.
  const float x1[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, w1[9] = {1, 1, 1, 1, 2, 1, 1, 1, 1}, b1[1] = {0.5f};
  const int64_t g1[13] = {1, 1, 3, 3, 1, 3, 3, 2, 2, 2, 2, 1, 1};
  float y1[4];
  CHECK(t4j_conv2d_few_channels_f32(x1, w1, b1, y1, g1, 1) == T4J_OK);
  CHECK(y1[0] == 8.5f && y1[3] == 32.5f);
  // its weight gradient for output gradients 1 at (0,0) only is the window output (0,0) saw: tap (1,1) -> x[0][0] = 0,
  // tap (2,2) -> x[1][1] = 4, tap (0,0) -> padding; the bias gradient is the sum of the output gradients
  const float gy1[4] = {1, 0, 0, 0};
  float gw1[9], gb1[1];
  CHECK(t4j_conv2d_few_channels_grad_weight_f32(x1, gy1, gw1, gb1, g1, 1) == T4J_OK);
  CHECK(gw1[4] == 0.0f && gw1[8] == 4.0f && gw1[0] == 0.0f && gw1[5] == 1.0f && gb1[0] == 1.0f);
  // against the definition on random values: strides 1-3, paddings, odd sizes, 1-4 channels in, 1-9 out, threads 1-3
  const int64_t cases[][13] = {
      {3, 1, 28, 28, 4, 3, 3, 14, 14, 2, 2, 1, 1}, {2, 3, 17, 16, 6, 3, 3, 9, 8, 2, 2, 1, 1},
      {2, 1, 28, 28, 16, 5, 5, 28, 28, 1, 1, 2, 2}, {2, 3, 20, 19, 9, 3, 3, 18, 17, 1, 1, 0, 0},
      {2, 2, 11, 13, 5, 5, 3, 4, 7, 3, 2, 2, 1}, {1, 4, 7, 7, 1, 7, 7, 1, 1, 2, 2, 0, 0},
      {3, 1, 5, 6, 3, 1, 1, 3, 3, 2, 2, 0, 0}};
  uint32_t seed = 777;
  auto next = [&seed] { seed = seed * 1664525u + 1013904223u; return static_cast<float>(seed >> 8) / 16777216.0f - 0.5f; };
  for (const auto& g : cases) {
    const size_t xs = static_cast<size_t>(g[0] * g[1] * g[2] * g[3]), ws = static_cast<size_t>(g[4] * g[1] * g[5] * g[6]),
                 ys = static_cast<size_t>(g[0] * g[4] * g[7] * g[8]);
    std::vector<float> x(xs), w(ws), b(static_cast<size_t>(g[4])), gy(ys);
    for (float& v : x) v = next();
    for (float& v : w) v = next();
    for (float& v : b) v = next();
    for (float& v : gy) v = next();
    std::vector<double> want;
    conv_by_definition(x, w, b, g, want);
    // the weight gradient by definition: the same sums with gy in the output's place
    std::vector<double> want_gw(ws, 0.0), want_gb(b.size(), 0.0);
    const int64_t c = g[1], h = g[2], wd = g[3], o = g[4], kh = g[5], kw = g[6], oh = g[7], ow = g[8];
    for (int64_t s = 0; s < g[0]; ++s)
      for (int64_t k = 0; k < o; ++k)
        for (int64_t yy = 0; yy < oh; ++yy)
          for (int64_t xx = 0; xx < ow; ++xx) {
            const double d = gy[static_cast<size_t>(((s * o + k) * oh + yy) * ow + xx)];
            want_gb[static_cast<size_t>(k)] += d;
            for (int64_t ch = 0; ch < c; ++ch)
              for (int64_t i = 0; i < kh; ++i)
                for (int64_t j = 0; j < kw; ++j) {
                  const int64_t iy = yy * g[9] - g[11] + i, ix = xx * g[10] - g[12] + j;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                  want_gw[static_cast<size_t>(((k * c + ch) * kh + i) * kw + j)] +=
                      d * x[static_cast<size_t>(((s * c + ch) * h + iy) * wd + ix)];
                }
          }
    for (int threads : {1, 2, 3}) {
      std::vector<float> y(ys, 99.0f), gw(ws, 99.0f), gb(b.size(), 99.0f);
      CHECK(t4j_conv2d_few_channels_f32(x.data(), w.data(), b.data(), y.data(), g, threads) == T4J_OK);
      CHECK(t4j_conv2d_few_channels_grad_weight_f32(x.data(), gy.data(), gw.data(), gb.data(), g, threads) == T4J_OK);
      double worst = 0, worst_gw = 0, worst_gb = 0;
      for (size_t i = 0; i < ys; ++i) worst = std::max(worst, std::fabs(y[i] - want[i]));
      for (size_t i = 0; i < ws; ++i) worst_gw = std::max(worst_gw, std::fabs(gw[i] - want_gw[i]));
      for (size_t i = 0; i < b.size(); ++i) worst_gb = std::max(worst_gb, std::fabs(gb[i] - want_gb[i]));
      CHECK(worst < 1e-5 && worst_gw < 1e-3 && worst_gb < 1e-4);
    }
    // without a bias: the sums alone; only one gradient asked: the other left alone
    std::vector<float> y(ys), gb_only(b.size()), gw_only(ws, 0.0f);
    CHECK(t4j_conv2d_few_channels_f32(x.data(), w.data(), nullptr, y.data(), g, 2) == T4J_OK);
    CHECK(std::fabs(y[0] - (want[0] - b[0])) < 1e-5);
    CHECK(t4j_conv2d_few_channels_grad_weight_f32(x.data(), gy.data(), nullptr, gb_only.data(), g, 2) == T4J_OK);
    CHECK(std::fabs(gb_only[0] - want_gb[0]) < 1e-4);
    CHECK(t4j_conv2d_few_channels_grad_weight_f32(x.data(), gy.data(), gw_only.data(), nullptr, g, 2) == T4J_OK);
    CHECK(std::fabs(gw_only[0] - want_gw[0]) < 1e-3);
  }
  // refused: null buffers, no gradient asked, an output size that is not the convolution's, padding not below the kernel
  float out[9];
  CHECK(t4j_conv2d_few_channels_f32(nullptr, w1, b1, out, g1, 1) == T4J_BAD_ARGUMENT);
  CHECK(t4j_conv2d_few_channels_grad_weight_f32(x1, gy1, nullptr, nullptr, g1, 1) == T4J_BAD_ARGUMENT);
  const int64_t wrong_size[13] = {1, 1, 3, 3, 1, 3, 3, 3, 3, 2, 2, 1, 1};
  CHECK(t4j_conv2d_few_channels_f32(x1, w1, b1, out, wrong_size, 1) == T4J_BAD_ARGUMENT);
  const int64_t wide_pad[13] = {1, 1, 3, 3, 1, 1, 1, 3, 3, 2, 2, 1, 1};
  CHECK(t4j_conv2d_few_channels_f32(x1, w1, b1, out, wide_pad, 1) == T4J_BAD_ARGUMENT);
}

static void max_pool_picks_the_first_maximum() {
  // One 4x4 plane, hand-computed. Kernel 2 stride 2: windows {1,3,2,3} -> 3 at index 1 (the first 3);
  // {0,0,0,0} -> 0 at 2 (the first); {5,NaN,4,9} -> NaN at 9; {-inf x4} -> -inf at 10 (the window's first).
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const float x[16] = {1, 3, 0, 0,
                       2, 3, 0, 0,
                       5, nan, -inf, -inf,
                       4, 9, -inf, -inf};
  float y[4];
  int64_t idx[4];
  const int64_t k2[10] = {2, 2, 2, 2, 0, 0, 1, 1, 2, 2};
  CHECK(t4j_max_pool2d_f32(x, 1, 4, 4, k2, y, idx, 1) == T4J_OK);
  CHECK(y[0] == 3 && idx[0] == 1);
  CHECK(y[1] == 0 && idx[1] == 2);
  CHECK(y[2] != y[2] && idx[2] == 9);
  CHECK(y[3] == -inf && idx[3] == 10);
  // kernel 3 stride 2 padding 1 (ResNet's stem) on the same plane: window rows/cols {-1,0,1} -> {1,3,2,3} -> 3 at 1;
  // rows {-1,0,1} cols {1,2,3} -> 3 at 1; rows {1,2,3} cols {-1,0,1}: NaN at 9; rows {1,2,3} cols {1,2,3}: NaN at 9
  const int64_t k3[10] = {3, 3, 2, 2, 1, 1, 1, 1, 2, 2};
  CHECK(t4j_max_pool2d_f32(x, 1, 4, 4, k3, y, idx, 1) == T4J_OK);
  CHECK(y[0] == 3 && idx[0] == 1);
  CHECK(y[1] == 3 && idx[1] == 1);
  CHECK(y[2] != y[2] && idx[2] == 9);
  CHECK(y[3] != y[3] && idx[3] == 9);
  // refused: padding above half the kernel, a window that starts outside the input, null buffers
  const int64_t bad_pad[10] = {2, 2, 2, 2, 2, 0, 1, 1, 4, 2};
  CHECK(t4j_max_pool2d_f32(x, 1, 4, 4, bad_pad, y, idx, 1) == T4J_BAD_ARGUMENT);
  const int64_t too_many[10] = {2, 2, 2, 2, 0, 0, 1, 1, 3, 2};
  CHECK(t4j_max_pool2d_f32(x, 1, 4, 4, too_many, y, idx, 1) == T4J_BAD_ARGUMENT);
  CHECK(t4j_max_pool2d_f32(nullptr, 1, 4, 4, k2, y, idx, 1) == T4J_BAD_ARGUMENT);
  // without a value buffer only the indices are written, the same ones
  int64_t only[4] = {-1, -1, -1, -1};
  CHECK(t4j_max_pool2d_f32(x, 1, 4, 4, k2, nullptr, only, 1) == T4J_OK);
  CHECK(only[0] == 1 && only[1] == 2 && only[2] == 9 && only[3] == 10);
  // a 1-row plane, kernel 2 dilation 3 padding 1: the window's taps are rows -1 and 2, neither inside
  const float row[4] = {1, 2, 3, 4};
  const int64_t between_taps[10] = {2, 1, 1, 1, 1, 0, 3, 1, 1, 4};
  CHECK(t4j_max_pool2d_f32(row, 1, 1, 4, between_taps, y, idx, 1) == T4J_BAD_ARGUMENT);
}

// 15 planes of 96 x 96 split over two workers (chunks of 8 and 7 planes): first on threads of the shim's own, then,
// with an OpenMP runtime loaded as libtorch loads it, on the caller's OpenMP team; both equal one thread's result.
static void max_pool_splits_over_threads_or_an_openmp_team() {
  const int64_t planes = 15, h = 96, w = 96, oh = 48, ow = 48;
  std::vector<float> x(static_cast<size_t>(planes * h * w));
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 2654435761u) % 7);  // many ties
  const int64_t geometry[] = {2, 2, 2, 2, 0, 0, 1, 1, oh, ow};
  const size_t out = static_cast<size_t>(planes * oh * ow);
  std::vector<float> y1(out), y2(out);
  std::vector<int64_t> i1(out), i2(out);
  CHECK(t4j_max_pool2d_f32(x.data(), planes, h, w, geometry, y1.data(), i1.data(), 1) == T4J_OK);
  CHECK(t4j_uses_openmp_team() == 0);  // this program links no OpenMP
  CHECK(t4j_max_pool2d_f32(x.data(), planes, h, w, geometry, y2.data(), i2.data(), 2) == T4J_OK);
  CHECK(y1 == y2 && i1 == i2);
#if defined(__linux__)
  if (dlopen("libgomp.so.1", RTLD_NOW) == nullptr) {
    std::printf("shim_tests: libgomp.so.1 not installed, the OpenMP team path is not tested here\n");
    return;
  }
  CHECK(t4j_uses_openmp_team() == 1);
  std::fill(y2.begin(), y2.end(), -1.0f);
  std::fill(i2.begin(), i2.end(), -1);
  CHECK(t4j_max_pool2d_f32(x.data(), planes, h, w, geometry, y2.data(), i2.data(), 2) == T4J_OK);
  CHECK(y1 == y2 && i1 == i2);
#endif
}

static void dropout_mask_is_splitmix64_by_index() {
  // Element i is the (i + 1)-th number of the sequential splitmix64 stream started at the seed (written out here
  // independently of the shim's counter form): kept when its top 24 bits are below keep * 2^24.
  const uint64_t seed = 0x1234ABCDULL;
  const double keep = 0.7;
  const int64_t n = 100003;
  std::vector<float> want(static_cast<size_t>(n));
  uint64_t state = seed;
  const uint32_t threshold = static_cast<uint32_t>(std::llround(keep * 16777216.0));
  for (int64_t i = 0; i < n; ++i) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    want[static_cast<size_t>(i)] = static_cast<uint32_t>(z >> 40) < threshold ? 1.0f / 0.7f : 0.0f;
  }
  int64_t kept = 0;
  for (float v : want) kept += v != 0.0f;
  // 5 sigma of a binomial(100003, 0.7): the reference itself is a fair coin
  CHECK(std::fabs(static_cast<double>(kept) - 0.7 * n) < 5 * std::sqrt(n * 0.7 * 0.3));
  for (int threads : {1, 2, 3}) {
    std::vector<float> mask(static_cast<size_t>(n), -1.0f);
    CHECK(t4j_dropout_mask_f32(mask.data(), n, keep, seed, threads) == T4J_OK);
    CHECK(mask == want);
  }
  std::vector<float> other(static_cast<size_t>(n));
  CHECK(t4j_dropout_mask_f32(other.data(), n, keep, seed + 1, 1) == T4J_OK);
  CHECK(other != want);
  float one[1] = {-1.0f};
  CHECK(t4j_dropout_mask_f32(one, 1, 1.0, 5, 1) == T4J_OK && one[0] == 1.0f);  // keep 1: every element kept
  CHECK(t4j_dropout_mask_f32(nullptr, 1, 0.5, 5, 1) == T4J_BAD_ARGUMENT);
  CHECK(t4j_dropout_mask_f32(one, -1, 0.5, 5, 1) == T4J_BAD_ARGUMENT);
  CHECK(t4j_dropout_mask_f32(one, 1, 0.0, 5, 1) == T4J_BAD_ARGUMENT);
  CHECK(t4j_dropout_mask_f32(one, 1, 1.5, 5, 1) == T4J_BAD_ARGUMENT);
}

// Batch norm in training against its definition in double: statistics over n * p values per channel (of max(x, 0) with
// relu_input), the biased variance for the output, the unbiased one for the running variance, and the backward's three
// gradients; and the same bits for any thread count.
static void batch_norm_matches_the_definition() {
  // By hand: one channel, values 1, 3, 5, 7 (two samples of two): mean 4, variance 5
  const float x1[4] = {1, 3, 5, 7}, w1[1] = {2}, b1[1] = {0.5f};
  float y1[4], mean1[1], invstd1[1], rm1[1] = {1}, rv1[1] = {1};
  CHECK(t4j_batch_norm_train_f32(x1, y1, w1, b1, mean1, invstd1, rm1, rv1, 2, 1, 2, 0.1, 0.0, 0, 1) == T4J_OK);
  CHECK(mean1[0] == 4.0f && near(invstd1[0], 1.0f / std::sqrt(5.0f)));
  CHECK(near(y1[0], -3.0f / std::sqrt(5.0f) * 2 + 0.5f) && near(y1[3], 3.0f / std::sqrt(5.0f) * 2 + 0.5f));
  CHECK(near(rm1[0], 0.9f + 0.4f) && near(rv1[0], 0.9f + 0.1f * 20.0f / 3.0f));  // unbiased: 20 / 3
  // with the ReLU first, x = -2, 2 has mean 1 and variance 1: y = (0 - 1) / 1, (2 - 1) / 1
  const float x2[2] = {-2, 2};
  float y2[2], mean2[1], invstd2[1];
  CHECK(t4j_batch_norm_train_f32(x2, y2, nullptr, nullptr, mean2, invstd2, nullptr, nullptr, 2, 1, 1, 0.1, 0.0, 1, 1) == T4J_OK);
  CHECK(mean2[0] == 1.0f && y2[0] == -1.0f && y2[1] == 1.0f);

  struct Case { int64_t n, c, p; int relu; bool outlier; };
  // groups of 32 samples crossed (33, 70), runs of channels split (6 planes of 1000), planes of 1, 4, 49, 196; with an
  // outlier first in each channel (the one-pass moments around it would cancel: the squares are summed again)
  const Case cases[] = {{3, 2, 5, 0, false}, {40, 3, 1, 1, false}, {33, 4, 196, 1, false}, {70, 8, 49, 0, false},
                        {5, 6, 1000, 1, false}, {64, 32, 4, 1, false}, {50, 3, 9, 0, true}, {40, 2, 16, 1, true}};
  unsigned seed = 7;
  auto next = [&seed] { seed = seed * 1103515245u + 12345u; return static_cast<float>((seed >> 9) % 2001) / 1000.0f - 1.0f; };
  for (const Case& k : cases) {
    const int64_t total = k.n * k.c * k.p;
    std::vector<float> x(total), gy(total), w(k.c), b(k.c);
    for (auto& v : x) v = next() * 3.0f + 0.5f;
    if (k.outlier) {
      for (auto& v : x) v = 100.0f + 0.01f * v;
      for (int64_t c = 0; c < k.c; ++c) x[static_cast<size_t>(c * k.p)] = 1000.0f;
    }
    for (auto& v : gy) v = next();
    for (int64_t c = 0; c < k.c; ++c) w[c] = 0.5f + 0.1f * static_cast<float>(c), b[c] = 0.01f * static_cast<float>(c);
    std::vector<float> y(total), y3(total), mean(k.c), invstd(k.c), rm(k.c, 0.5f), rv(k.c, 2.0f), rm3 = rm, rv3 = rv;
    std::vector<float> mean3(k.c), invstd3(k.c);
    CHECK(t4j_batch_norm_train_f32(x.data(), y.data(), w.data(), b.data(), mean.data(), invstd.data(), rm.data(), rv.data(),
                                   k.n, k.c, k.p, 0.1, 1e-5, k.relu, 1) == T4J_OK);
    CHECK(t4j_batch_norm_train_f32(x.data(), y3.data(), w.data(), b.data(), mean3.data(), invstd3.data(), rm3.data(),
                                   rv3.data(), k.n, k.c, k.p, 0.1, 1e-5, k.relu, 3) == T4J_OK);
    CHECK(std::memcmp(y.data(), y3.data(), total * sizeof(float)) == 0);
    CHECK(std::memcmp(rv.data(), rv3.data(), k.c * sizeof(float)) == 0);
    std::vector<float> gx(total), gx3(total), gw(k.c), gb(k.c), gw3(k.c), gb3(k.c);
    CHECK(t4j_batch_norm_train_backward_f32(x.data(), gy.data(), w.data(), mean.data(), invstd.data(), gx.data(), gw.data(),
                                            gb.data(), k.n, k.c, k.p, k.relu, 1) == T4J_OK);
    CHECK(t4j_batch_norm_train_backward_f32(x.data(), gy.data(), w.data(), mean.data(), invstd.data(), gx3.data(), gw3.data(),
                                            gb3.data(), k.n, k.c, k.p, k.relu, 3) == T4J_OK);
    CHECK(std::memcmp(gx.data(), gx3.data(), total * sizeof(float)) == 0 && gw == gw3 && gb == gb3);
    const double m = static_cast<double>(k.n * k.p);
    auto at = [&](int64_t n, int64_t c, int64_t i) { return static_cast<size_t>((n * k.c + c) * k.p + i); };
    auto v = [&](size_t i) { return k.relu && x[i] < 0 ? 0.0 : static_cast<double>(x[i]); };
    double worst = 0.0;
    for (int64_t c = 0; c < k.c; ++c) {
      double sum = 0.0, sq = 0.0;
      for (int64_t n = 0; n < k.n; ++n) for (int64_t i = 0; i < k.p; ++i) sum += v(at(n, c, i));
      const double mu = sum / m;
      for (int64_t n = 0; n < k.n; ++n) for (int64_t i = 0; i < k.p; ++i) sq += (v(at(n, c, i)) - mu) * (v(at(n, c, i)) - mu);
      const double var = sq / m, is = 1.0 / std::sqrt(var + 1e-5);
      worst = std::max({worst, std::fabs(mean[c] - mu), std::fabs(invstd[c] - is) / is,
                        std::fabs(rm[c] - (0.9 * 0.5 + 0.1 * mu)), std::fabs(rv[c] - (0.9 * 2.0 + 0.1 * sq / (m - 1))) / rv[c]});
      double sg = 0.0, sgx = 0.0;
      for (int64_t n = 0; n < k.n; ++n) {
        for (int64_t i = 0; i < k.p; ++i) {
          const size_t j = at(n, c, i);
          worst = std::max(worst, std::fabs(y[j] - ((v(j) - mu) * is * w[c] + b[c])));
          sg += gy[j];
          sgx += gy[j] * (v(j) - mu) * is;
        }
      }
      worst = std::max({worst, std::fabs(gb[c] - sg) / (1.0 + std::fabs(sg)), std::fabs(gw[c] - sgx) / (1.0 + std::fabs(sgx))});
      for (int64_t n = 0; n < k.n; ++n) {
        for (int64_t i = 0; i < k.p; ++i) {
          const size_t j = at(n, c, i);
          const double g = w[c] * is * (gy[j] - sg / m - (v(j) - mu) * is * sgx / m);
          worst = std::max(worst, std::fabs(gx[j] - (k.relu && x[j] <= 0 ? 0.0 : g)));
        }
      }
    }
    if (worst > 2e-5) std::fprintf(stderr, "batch norm n=%lld c=%lld p=%lld relu=%d: off by %g\n", static_cast<long long>(k.n),
                                   static_cast<long long>(k.c), static_cast<long long>(k.p), k.relu, worst);
    CHECK(worst <= 2e-5);
  }
  float y[4], mean[1], invstd[1], r[1] = {0};
  CHECK(t4j_batch_norm_train_f32(x1, y, nullptr, nullptr, mean, invstd, nullptr, nullptr, 1, 1, 1, 0.1, 1e-5, 0, 1)
        == T4J_BAD_ARGUMENT);  // one value per channel
  CHECK(t4j_batch_norm_train_f32(x1, y, nullptr, nullptr, mean, invstd, r, nullptr, 2, 1, 2, 0.1, 1e-5, 0, 1)
        == T4J_BAD_ARGUMENT);  // one running buffer
  CHECK(t4j_batch_norm_train_f32(x1, y, nullptr, nullptr, mean, invstd, nullptr, nullptr, 2, 1, 2, 1.5, 1e-5, 0, 1)
        == T4J_BAD_ARGUMENT);
  CHECK(t4j_batch_norm_train_backward_f32(x1, x1, nullptr, mean, invstd, nullptr, nullptr, nullptr, 2, 1, 2, 0, 1)
        == T4J_BAD_ARGUMENT);  // nothing asked
}

// Picked images: rows by index, (v / 255 - mean) / std with each step a float operation (the bits libtorch's
// float32(), div(255), sub, div give), or v / 255 alone; bad indices and arguments refused.
static void picked_rows_are_converted_step_by_step() {
  const uint8_t src[3 * 2 * 2] = {0, 255, 10, 20, 30, 40, 50, 60, 128, 7, 200, 1};  // 3 images of 2 channels x 2 pixels
  const int64_t rows[2] = {2, 0};
  const float mean[2] = {0.5f, 0.25f}, stdv[2] = {0.3081f, 0.5f};
  float dst[8];
  CHECK(t4j_u8_rows_to_f32(src, 3, rows, 2, 2, 2, mean, stdv, dst, 1) == T4J_OK);
  volatile float v = 128.0f;  // computed step by step at run time, as libtorch does
  CHECK(dst[0] == (v / 255.0f - 0.5f) / 0.3081f);
  v = 200.0f;
  CHECK(dst[2] == (v / 255.0f - 0.25f) / 0.5f);
  v = 255.0f;
  CHECK(dst[5] == (v / 255.0f - 0.5f) / 0.3081f && dst[4] == (0.0f - 0.5f) / 0.3081f);
  CHECK(t4j_u8_rows_to_f32(src, 3, rows, 2, 2, 2, nullptr, nullptr, dst, 2) == T4J_OK);
  CHECK(dst[0] == 128.0f / 255.0f && dst[7] == 20.0f / 255.0f);
  const int64_t bad[1] = {3};
  CHECK(t4j_u8_rows_to_f32(src, 3, bad, 1, 2, 2, nullptr, nullptr, dst, 1) == T4J_BAD_ARGUMENT);
  CHECK(t4j_u8_rows_to_f32(src, 3, rows, 2, 2, 2, mean, nullptr, dst, 1) == T4J_BAD_ARGUMENT);
  const float zero[2] = {1.0f, 0.0f};
  CHECK(t4j_u8_rows_to_f32(src, 3, rows, 2, 2, 2, mean, zero, dst, 1) == T4J_BAD_ARGUMENT);
}

int main() {
  max_pool_splits_over_threads_or_an_openmp_team();
  max_pool_picks_the_first_maximum();
  adam_step_matches_the_formula();
  conv_grad_input_matches_the_definition();
  few_channel_conv_matches_the_definition();
  batch_norm_matches_the_definition();
  picked_rows_are_converted_step_by_step();
  dropout_mask_is_splitmix64_by_index();
  fuzzer_findings_stay_fixed();
  pipeline_writes_either_layout();
  hwc_to_chw_normalised();
  chw_without_normalisation_is_to_tensor();
  threads_give_the_same_result();
  bad_arguments_are_refused();
  allocator_tuning_reports_what_it_did();
#if defined(__linux__) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(T4J_ASAN)
  freed_thread_heaps_stay_mapped();  // after the tuning above
#endif
  if (failures) std::fprintf(stderr, "%d check(s) failed\n", failures);
  else std::printf("shim_tests: all checks passed\n");
  return failures ? 1 : 0;
}
