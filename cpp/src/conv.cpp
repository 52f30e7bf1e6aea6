// The input gradient of a small-channel convolution, computed sample by sample in cache. libtorch 2.10's oneDNN
// picks its brgemm "strided" backward-data kernel for stride-2 convolutions and spends most of its time in
// bookkeeping when planes and channel counts are small (s0-cnn's whole backward of 4->8 channels at 14x14: this and
// libtorch's weight gradient take 0.47-0.51x libtorch's time; docs/benchmarks.md, "The input's gradient of the
// stride-2 convolutions, in the shim").
#include "torch4j/shim.h"

#include "lanes.h"
#include "parallel.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace {

struct Geometry {
  int64_t n, in_c, in_h, in_w, out_c, kh, kw, out_h, out_w, sh, sw, ph, pw;
};

using t4j::LANES;  // taps per chunk
using t4j::Lanes;
constexpr int64_t BLOCK = 4;   // output positions per chunk, sharing each weight load (s0..s3 below)

// One sample. wt holds the weights as [out_c][taps_pad] (tap-major, channel-minor, zero beyond kh * kw * in_c), so
// that the contributions of BLOCK output positions to all their taps are a small matrix product with fixed-size
// inner loops (vectorised even with 4 input channels). acc holds the sample's input gradient channel-minor
// ([in_h * in_w][in_c]) until it is written out as NCHW; col the block's contributions, gout its output gradients.
T4J_VECTOR_CLONES void grad_input_sample(const float* gy, const float* wt, float* gx, const Geometry& g, int64_t taps_pad,
                                         float* acc, float* col, float* gout) {
  const int64_t plane = g.out_h * g.out_w, in_plane = g.in_h * g.in_w;
  std::fill(acc, acc + in_plane * g.in_c, 0.0f);
  for (int64_t p0 = 0; p0 < plane; p0 += BLOCK) {
    const int64_t nb = std::min(BLOCK, plane - p0);
    for (int64_t b = 0; b < BLOCK; ++b)
      for (int64_t o = 0; o < g.out_c; ++o) gout[o * BLOCK + b] = b < nb ? gy[o * plane + p0 + b] : 0.0f;
    for (int64_t t0 = 0; t0 < taps_pad; t0 += LANES) {
      Lanes s0{}, s1{}, s2{}, s3{};
      for (int64_t o = 0; o < g.out_c; ++o) {
        Lanes row;
        std::memcpy(&row, wt + o * taps_pad + t0, sizeof row);
        const float* v = gout + o * BLOCK;
        s0 += v[0] * row;
        s1 += v[1] * row;
        s2 += v[2] * row;
        s3 += v[3] * row;
      }
      std::memcpy(col + 0 * taps_pad + t0, &s0, sizeof s0);
      std::memcpy(col + 1 * taps_pad + t0, &s1, sizeof s1);
      std::memcpy(col + 2 * taps_pad + t0, &s2, sizeof s2);
      std::memcpy(col + 3 * taps_pad + t0, &s3, sizeof s3);
    }
    for (int64_t b = 0; b < nb; ++b) {
      const int64_t oy = (p0 + b) / g.out_w, ox = (p0 + b) % g.out_w;
      for (int64_t i = 0; i < g.kh; ++i) {
        const int64_t iy = oy * g.sh - g.ph + i;
        if (iy < 0 || iy >= g.in_h) continue;
        for (int64_t j = 0; j < g.kw; ++j) {
          const int64_t ix = ox * g.sw - g.pw + j;
          if (ix < 0 || ix >= g.in_w) continue;
          float* __restrict a = acc + (iy * g.in_w + ix) * g.in_c;
          const float* __restrict c = col + b * taps_pad + (i * g.kw + j) * g.in_c;
          for (int64_t k = 0; k < g.in_c; ++k) a[k] += c[k];
        }
      }
    }
  }
  for (int64_t k = 0; k < g.in_c; ++k) {
    float* __restrict out = gx + k * in_plane;
    for (int64_t q = 0; q < in_plane; ++q) out[q] = acc[q * g.in_c + k];
  }
}

// Below this many multiply-adds a second worker costs more than it saves (a team wake-up is a few microseconds).
constexpr int64_t MIN_MACS_PER_WORKER = 200000;

}  // namespace

int t4j_conv2d_grad_input_f32(const float* grad_output, const float* weight, float* grad_input,
                              const int64_t* geometry, int threads) {
  if (!grad_output || !weight || !grad_input || !geometry) return T4J_BAD_ARGUMENT;
  const Geometry g{geometry[0], geometry[1], geometry[2],  geometry[3],  geometry[4],  geometry[5], geometry[6],
                   geometry[7], geometry[8], geometry[9], geometry[10], geometry[11], geometry[12]};
  if (g.n <= 0 || g.in_c <= 0 || g.in_h <= 0 || g.in_w <= 0 || g.out_c <= 0 || g.kh <= 0 || g.kw <= 0 ||
      g.out_h <= 0 || g.out_w <= 0 || g.sh <= 0 || g.sw <= 0 || g.ph < 0 || g.pw < 0) {
    return T4J_BAD_ARGUMENT;
  }
  // the output size must be the convolution's (dilation 1): anything else means the caller mixed up shapes
  if ((g.in_h + 2 * g.ph - g.kh) / g.sh + 1 != g.out_h || (g.in_w + 2 * g.pw - g.kw) / g.sw + 1 != g.out_w ||
      g.in_h + 2 * g.ph < g.kh || g.in_w + 2 * g.pw < g.kw) {
    return T4J_BAD_ARGUMENT;
  }
  const int64_t taps = g.kh * g.kw * g.in_c, taps_pad = (taps + LANES - 1) / LANES * LANES;
  std::vector<float> wt(static_cast<size_t>(g.out_c * taps_pad), 0.0f);
  for (int64_t o = 0; o < g.out_c; ++o)
    for (int64_t c = 0; c < g.in_c; ++c)
      for (int64_t i = 0; i < g.kh; ++i)
        for (int64_t j = 0; j < g.kw; ++j)
          wt[static_cast<size_t>(o * taps_pad + (i * g.kw + j) * g.in_c + c)] = weight[((o * g.in_c + c) * g.kh + i) * g.kw + j];
  const int64_t out_sample = g.out_c * g.out_h * g.out_w, in_sample = g.in_c * g.in_h * g.in_w;
  auto run = [&](int64_t first, int64_t last) {
    std::vector<float> acc(static_cast<size_t>(in_sample)), col(static_cast<size_t>(BLOCK * taps_pad)),
        gout(static_cast<size_t>(BLOCK * g.out_c));
    for (int64_t s = first; s < last; ++s) {
      grad_input_sample(grad_output + s * out_sample, wt.data(), grad_input + s * in_sample, g, taps_pad, acc.data(), col.data(),
                        gout.data());
    }
  };
  const int64_t macs = g.out_h * g.out_w * g.out_c * taps;
  t4j::split_range_on_openmp(g.n, t4j::worker_count(threads, g.n, macs, MIN_MACS_PER_WORKER), run);
  return T4J_OK;
}
