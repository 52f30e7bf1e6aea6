// Max pooling over contiguous NCHW float planes. libtorch 2.10's own kernel for this layout takes ~10x longer
// than its channels-last one (docs/benchmarks.md, "Pooling"); this loop is the same rule, one plane at a time.
#include "torch4j/shim.h"

#include "parallel.h"

#include <algorithm>
#include <limits>
#include <vector>

// An AVX2 copy of the hot loop beside the baseline one, picked at load time by the CPU (GCC on x86-64 Linux: ifunc).
// Not under clang, which builds the sanitizer and fuzzing targets: clones were not tried there.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define T4J_AVX2_CLONE __attribute__((target_clones("avx2", "default")))
#else
#define T4J_AVX2_CLONE
#endif

namespace {

struct Pool {
  int64_t h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow;
};

// PyTorch's rule: the window starts at the first position inside the input; the index starts there too, so a
// window without a value above -inf keeps it; NaN wins (the last one seen).
void pool_plane(const float* x, float* y, int64_t* idx, const Pool& p) {
  for (int64_t oy = 0; oy < p.oh; ++oy) {
    int64_t y0 = oy * p.sh - p.ph;
    const int64_t y1 = std::min(y0 + (p.kh - 1) * p.dh + 1, p.h);
    while (y0 < 0) y0 += p.dh;
    for (int64_t ox = 0; ox < p.ow; ++ox) {
      int64_t x0 = ox * p.sw - p.pw;
      const int64_t x1 = std::min(x0 + (p.kw - 1) * p.dw + 1, p.w);
      while (x0 < 0) x0 += p.dw;
      int64_t best = y0 * p.w + x0;
      float max = -std::numeric_limits<float>::infinity();
      for (int64_t iy = y0; iy < y1; iy += p.dh) {
        const float* row = x + iy * p.w;
        for (int64_t ix = x0; ix < x1; ix += p.dw) {
          const float v = row[ix];
          const bool take = v > max || v != v;  // no branch: it would mispredict on real data
          max = take ? v : max;
          best = take ? iy * p.w + ix : best;
        }
      }
      if (y) y[oy * p.ow + ox] = max;
      idx[oy * p.ow + ox] = best;
    }
  }
}

// The common case, kernel 2 stride 2 without padding or dilation: the same comparisons in the same order, written
// without branches so that the compiler vectorises them (SSE2 here: a branch per comparison mispredicts on real data,
// ~14 ns per output, as slow as libtorch's kernel; this loop ~2 ns). The AVX2 copy takes 0.87x the time on
// 64x32x26x26 and 100x16x24x24, the same on 64x64x11x11 (benchmarks/ab_pool.cpp, 1 thread).
// y null: the values go to `scratch` (one row) instead; a conditional store in the loop would stop its vectorisation
// (measured: 0.48 -> 3.38 ms).
T4J_AVX2_CLONE void pool_plane_2x2(const float* x, float* y, int64_t* idx, const Pool& p, int32_t* offsets, float* scratch) {
  const int32_t w = static_cast<int32_t>(p.w);
  for (int64_t oy = 0; oy < p.oh; ++oy) {
    const float* r0 = x + 2 * oy * p.w;
    const float* r1 = r0 + p.w;
    float* out = y ? y + oy * p.ow : scratch;
    for (int64_t ox = 0; ox < p.ow; ++ox) {
      const float a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];
      float m = a;  // as PyTorch: -inf first, then this value (or it stays -inf: same value, same index)
      int32_t k = 0;
      const bool tb = b > m || b != b;
      m = tb ? b : m;
      k = tb ? 1 : k;
      const bool tc = c > m || c != c;
      m = tc ? c : m;
      k = tc ? w : k;
      const bool td = d > m || d != d;
      m = td ? d : m;
      k = td ? w + 1 : k;
      out[ox] = m;
      offsets[ox] = k;
    }
    int64_t* index = idx + oy * p.ow;
    const int64_t row = 2 * oy * p.w;
    for (int64_t ox = 0; ox < p.ow; ++ox) index[ox] = row + 2 * ox + offsets[ox];
  }
}

bool every_window_has_an_input(int64_t out, int64_t stride, int64_t pad, int64_t kernel, int64_t dilation, int64_t in) {
  for (int64_t o = 0; o < out; ++o) {
    int64_t first = o * stride - pad;
    const int64_t end = std::min(first + (kernel - 1) * dilation + 1, in);
    while (first < 0) first += dilation;
    if (first >= end) return false;
  }
  return true;
}

}  // namespace

// with a fresh std::thread per call a second worker paid off only from ~1 Mi inputs (at 0.9 Mi, 2 threads took 0.66 ms,
// 1 took 0.48); on the OpenMP team already running, from far less
constexpr int64_t MIN_INPUTS_PER_WORKER = int64_t{1} << 16;

int t4j_max_pool2d_f32(const float* x, int64_t planes, int64_t h, int64_t w, const int64_t* geometry, float* y,
                       int64_t* indices, int threads) {
  if (!x || !indices || !geometry || planes <= 0 || h <= 0 || w <= 0) return T4J_BAD_ARGUMENT;
  const Pool p{h, w, geometry[0], geometry[1], geometry[2], geometry[3], geometry[4], geometry[5],
               geometry[6], geometry[7], geometry[8], geometry[9]};
  if (p.kh <= 0 || p.kw <= 0 || p.sh <= 0 || p.sw <= 0 || p.dh <= 0 || p.dw <= 0 || p.oh <= 0 || p.ow <= 0) return T4J_BAD_ARGUMENT;
  if (p.ph < 0 || p.pw < 0 || 2 * p.ph > (p.kh - 1) * p.dh + 1 || 2 * p.pw > (p.kw - 1) * p.dw + 1) return T4J_BAD_ARGUMENT;
  // every window must start inside the input (PyTorch's output size guarantees it)
  if ((p.oh - 1) * p.sh - p.ph >= h || (p.ow - 1) * p.sw - p.pw >= w) return T4J_BAD_ARGUMENT;
  // every window must hold an input (with a large dilation one can fall between the taps: libtorch would return an index
  // outside the plane); such a pooling is left to libtorch
  if (!every_window_has_an_input(p.oh, p.sh, p.ph, p.kh, p.dh, h) || !every_window_has_an_input(p.ow, p.sw, p.pw, p.kw, p.dw, w)) {
    return T4J_BAD_ARGUMENT;
  }
  const bool two = p.kh == 2 && p.kw == 2 && p.sh == 2 && p.sw == 2 && p.ph == 0 && p.pw == 0 && p.dh == 1 && p.dw == 1
                   && 2 * p.oh <= h && 2 * p.ow <= w && w < (int64_t{1} << 30);
  const int64_t in_plane = h * w, out_plane = p.oh * p.ow;
  auto run = [&](int64_t first, int64_t last) {
    std::vector<int32_t> offsets(two ? static_cast<size_t>(p.ow) : 0);
    std::vector<float> scratch(two && !y ? static_cast<size_t>(p.ow) : 0);
    for (int64_t k = first; k < last; ++k) {
      float* values = y ? y + k * out_plane : nullptr;
      if (two) pool_plane_2x2(x + k * in_plane, values, indices + k * out_plane, p, offsets.data(), scratch.data());
      else pool_plane(x + k * in_plane, values, indices + k * out_plane, p);
    }
  };
  // on libtorch's OpenMP team (pooling runs between libtorch ops on the same thread); a second worker pays off from
  // about MIN_INPUTS_PER_WORKER inputs (measured in docs/benchmarks.md)
  t4j::split_range_on_openmp(planes, t4j::worker_count(threads, planes, in_plane, MIN_INPUTS_PER_WORKER), run);
  return T4J_OK;
}

int t4j_uses_openmp_team(void) { return t4j::loaded_openmp() != nullptr ? 1 : 0; }
