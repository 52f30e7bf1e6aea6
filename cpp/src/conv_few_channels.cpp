// The forward and the weight gradient of a convolution with few input channels (a network's first layer on images),
// computed sample by sample in cache. oneDNN's kernels for 1-3 input channels spend most of their time in
// bookkeeping: s0-cnn's 1->4 stride-2 layer takes 0.34-0.35 ms forward and 0.29-0.30 ms weight gradient in libtorch
// at batch 512 for 3.6M multiply-adds each (docs/benchmarks.md, "The first layer in the shim").
//
// Each sample's padded input is split into its stride phases: phase (a, b) of channel c holds the padded input's
// rows a, a + sh, ... and columns b, b + sw, ..., with one row pitch `pitch` for all. Tap (i, j) of output (oy, ox)
// then reads phase (i % sh, j % sw) at (oy + i / sh) * pitch + ox + j / sw: for all outputs of a sample, laid out
// "wide" at oy * pitch + ox, a tap is one contiguous run at a fixed offset, so every loop below is a plain
// vectorised multiply-add. The wide columns ox >= out_w are scratch: dropped in the forward, zero in the gradient.
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

using t4j::add_to;
using t4j::LANES;  // wide positions per chunk
using t4j::Lanes;
using t4j::load;
using t4j::splat;
constexpr int64_t OUTS = 4;    // output channels per pass, sharing each input load
constexpr int64_t BLOCK_POSITIONS = 256;  // wide positions per block of the weight gradient (a multiple of LANES)

// The sizes every sample's buffers share.
struct Layout {
  int64_t pitch;   // row pitch of a phase and of the wide output
  int64_t wide;    // wide positions, rounded up to whole chunks
  int64_t phase;   // floats per phase: the wide positions plus the furthest tap offset
  int64_t phases;  // sh * sw
  int64_t taps;    // in_c * kh * kw

  explicit Layout(const Geometry& g) {
    pitch = (g.in_w + 2 * g.pw + g.sw - 1) / g.sw;
    wide = (g.out_h * pitch + LANES - 1) / LANES * LANES;
    const int64_t rows = (g.in_h + 2 * g.ph + g.sh - 1) / g.sh;
    phase = std::max(wide + ((g.kh - 1) / g.sh) * pitch + (g.kw - 1) / g.sw, rows * pitch);
    phases = g.sh * g.sw;
    taps = g.in_c * g.kh * g.kw;
  }

  // where tap (c, i, j) starts, relative to the sample's phases
  int64_t tap_start(const Geometry& g, int64_t c, int64_t i, int64_t j) const {
    return (c * phases + (i % g.sh) * g.sw + j % g.sw) * phase + (i / g.sh) * pitch + j / g.sw;
  }
};

// One sample's input into its phases (the buffer is zero outside the input: padding and scratch stay zero). Padded
// column b + j * sw of a row goes to column j of phase b; no division in the loops (a 64-bit one costs more than
// the whole copy of an element).
void split_phases(const float* x, float* phases, const Geometry& g, const Layout& l) {
  if (g.sw == 2) {
    // both column phases in one pass over each row: input column 2q goes to phase pw % 2 at q + pw / 2, column
    // 2q + 1 to phase (pw + 1) % 2 at q + (pw + 1) / 2 (a pair-wise de-interleave the compiler vectorises)
    const int64_t even_b = g.pw % 2, even_j = g.pw / 2, odd_b = (g.pw + 1) % 2, odd_j = (g.pw + 1) / 2, pairs = g.in_w / 2;
    for (int64_t c = 0; c < g.in_c; ++c) {
      int64_t a = g.ph % g.sh, row = g.ph / g.sh;
      for (int64_t iy = 0; iy < g.in_h; ++iy) {
        const float* __restrict src = x + (c * g.in_h + iy) * g.in_w;
        float* base = phases + (c * l.phases + a * g.sw) * l.phase + row * l.pitch;
        float* __restrict even = base + even_b * l.phase + even_j;
        float* __restrict odd = base + odd_b * l.phase + odd_j;
        for (int64_t q = 0; q < pairs; ++q) {
          even[q] = src[2 * q];
          odd[q] = src[2 * q + 1];
        }
        if (g.in_w % 2) even[pairs] = src[2 * pairs];
        if (++a == g.sh) {
          a = 0;
          ++row;
        }
      }
    }
    return;
  }
  for (int64_t b = 0; b < g.sw; ++b) {
    // the phase's columns j whose input column ix = b + j * sw - pw lies in [0, in_w)
    const int64_t j0 = b >= g.pw ? 0 : (g.pw - b + g.sw - 1) / g.sw, ix0 = b + j0 * g.sw - g.pw;
    const int64_t count = ix0 < g.in_w ? (g.in_w - 1 - ix0) / g.sw + 1 : 0;
    for (int64_t c = 0; c < g.in_c; ++c) {
      int64_t a = g.ph % g.sh, row = g.ph / g.sh;  // the padded row iy + ph of iy = 0, as phase a's row
      for (int64_t iy = 0; iy < g.in_h; ++iy) {
        const float* src = x + (c * g.in_h + iy) * g.in_w + ix0;
        float* dst = phases + (c * l.phases + a * g.sw + b) * l.phase + row * l.pitch + j0;
        if (g.sw == 1) {
          std::memcpy(dst, src, static_cast<size_t>(count) * sizeof(float));
        } else {
          for (int64_t j = 0; j < count; ++j) dst[j] = src[j * g.sw];
        }
        if (++a == g.sh) {
          a = 0;
          ++row;
        }
      }
    }
  }
}

// Copies rows of `width` floats between pitches (memcpy's call costs more than these short rows).
inline void copy_rows(const float* src, int64_t src_pitch, float* dst, int64_t dst_pitch, int64_t rows, int64_t width) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < width; ++i) dst[r * dst_pitch + i] = src[r * src_pitch + i];
}

// The offsets of every tap, in weight order (c, i, j).
std::vector<int64_t> tap_offsets(const Geometry& g, const Layout& l) {
  std::vector<int64_t> off(static_cast<size_t>(l.taps));
  for (int64_t c = 0; c < g.in_c; ++c)
    for (int64_t i = 0; i < g.kh; ++i)
      for (int64_t j = 0; j < g.kw; ++j) off[static_cast<size_t>((c * g.kh + i) * g.kw + j)] = l.tap_start(g, c, i, j);
  return off;
}

// One sample's output: wt holds the weights as [out_c rounded up to OUTS][taps] (zero rows beyond out_c).
T4J_VECTOR_CLONES void forward_sample(const float* phases, const float* wt, const float* bias, const int64_t* off,
                                      float* y, float* wide_out, const Geometry& g, const Layout& l) {
  for (int64_t o0 = 0; o0 < g.out_c; o0 += OUTS) {
    const float* w = wt + o0 * l.taps;
    const int64_t no = std::min(OUTS, g.out_c - o0);
    Lanes b[OUTS];
    for (int64_t k = 0; k < OUTS; ++k) b[k] = splat(bias && k < no ? bias[o0 + k] : 0.0f);
    for (int64_t p = 0; p < l.wide; p += LANES) {
      Lanes s0 = b[0], s1 = b[1], s2 = b[2], s3 = b[3];
      for (int64_t t = 0; t < l.taps; ++t) {
        const Lanes v = load(phases + off[t] + p);
        s0 += w[t] * v;
        s1 += w[l.taps + t] * v;
        s2 += w[2 * l.taps + t] * v;
        s3 += w[3 * l.taps + t] * v;
      }
      std::memcpy(wide_out + 0 * l.wide + p, &s0, sizeof s0);
      std::memcpy(wide_out + 1 * l.wide + p, &s1, sizeof s1);
      std::memcpy(wide_out + 2 * l.wide + p, &s2, sizeof s2);
      std::memcpy(wide_out + 3 * l.wide + p, &s3, sizeof s3);
    }
    for (int64_t k = 0; k < no; ++k)
      copy_rows(wide_out + k * l.wide, l.pitch, y + (o0 + k) * g.out_h * g.out_w, g.out_w, g.out_h, g.out_w);
  }
}

// One sample's contribution to the gradients, kept in lanes (sums[o * taps + t] for the weight, sums[outs * taps + o]
// for the bias): gy_wide[o] times tap t over the wide positions. The caller folds the lanes into doubles now and then.
T4J_VECTOR_CLONES void grad_weight_sample(const float* phases, const float* gy_wide, const int64_t* off, float* sums,
                                          bool weights, const Geometry& g, const Layout& l) {
  const int64_t outs = (g.out_c + OUTS - 1) / OUTS * OUTS;
  // wide positions in blocks whose output gradients and input taps stay in L1 across all taps and outputs: a
  // 64x64-output sample's rows would stream from L2 once per tap otherwise
  for (int64_t p0 = 0; p0 < l.wide; p0 += BLOCK_POSITIONS) {
    const int64_t p1 = std::min(l.wide, p0 + BLOCK_POSITIONS);
    for (int64_t o0 = 0; o0 < outs; o0 += OUTS) {
      const float* gy = gy_wide + o0 * l.wide;  // rows beyond out_c are zero
      for (int64_t t = 0; weights && t < l.taps; ++t) {
        const float* v = phases + off[t];
        Lanes s0{}, s1{}, s2{}, s3{};
        for (int64_t p = p0; p < p1; p += LANES) {
          const Lanes x = load(v + p);
          s0 += load(gy + p) * x;
          s1 += load(gy + l.wide + p) * x;
          s2 += load(gy + 2 * l.wide + p) * x;
          s3 += load(gy + 3 * l.wide + p) * x;
        }
        add_to(sums + (o0 * l.taps + t) * LANES, s0);
        add_to(sums + ((o0 + 1) * l.taps + t) * LANES, s1);
        add_to(sums + ((o0 + 2) * l.taps + t) * LANES, s2);
        add_to(sums + ((o0 + 3) * l.taps + t) * LANES, s3);
      }
      for (int64_t k = 0; k < OUTS; ++k) {
        Lanes s0{};
        for (int64_t p = p0; p < p1; p += LANES) s0 += load(gy + k * l.wide + p);
        add_to(sums + (outs * l.taps + o0 + k) * LANES, s0);
      }
    }
  }
}

bool valid(const Geometry& g) {
  if (g.n <= 0 || g.in_c <= 0 || g.in_h <= 0 || g.in_w <= 0 || g.out_c <= 0 || g.kh <= 0 || g.kw <= 0 || g.out_h <= 0 ||
      g.out_w <= 0 || g.sh <= 0 || g.sw <= 0 || g.ph < 0 || g.pw < 0 || g.ph >= g.kh || g.pw >= g.kw) {
    return false;
  }
  return g.in_h + 2 * g.ph >= g.kh && g.in_w + 2 * g.pw >= g.kw && (g.in_h + 2 * g.ph - g.kh) / g.sh + 1 == g.out_h &&
         (g.in_w + 2 * g.pw - g.kw) / g.sw + 1 == g.out_w;
}

Geometry read(const int64_t* geometry) {
  return Geometry{geometry[0], geometry[1], geometry[2],  geometry[3],  geometry[4],  geometry[5], geometry[6],
                  geometry[7], geometry[8], geometry[9], geometry[10], geometry[11], geometry[12]};
}

// Below this many multiply-adds a second worker costs more than it saves.
constexpr int64_t MIN_MACS_PER_WORKER = 200000;

}  // namespace

int t4j_conv2d_few_channels_f32(const float* x, const float* weight, const float* bias, float* y, const int64_t* geometry,
                                int threads) {
  if (!x || !weight || !y || !geometry) return T4J_BAD_ARGUMENT;
  const Geometry g = read(geometry);
  if (!valid(g)) return T4J_BAD_ARGUMENT;
  const Layout l(g);
  const int64_t outs = (g.out_c + OUTS - 1) / OUTS * OUTS;
  std::vector<float> wt(static_cast<size_t>(outs * l.taps), 0.0f);
  std::copy(weight, weight + g.out_c * l.taps, wt.begin());  // [out_c][c][i][j] is already [out_c][taps]
  const std::vector<int64_t> off = tap_offsets(g, l);
  const int64_t in_sample = g.in_c * g.in_h * g.in_w, out_sample = g.out_c * g.out_h * g.out_w;
  auto run = [&](int64_t first, int64_t last) {
    std::vector<float> phases(static_cast<size_t>(g.in_c * l.phases * l.phase)), wide_out(static_cast<size_t>(OUTS * l.wide));
    for (int64_t s = first; s < last; ++s) {
      split_phases(x + s * in_sample, phases.data(), g, l);
      forward_sample(phases.data(), wt.data(), bias, off.data(), y + s * out_sample, wide_out.data(), g, l);
    }
  };
  t4j::split_range_on_openmp(g.n, t4j::worker_count(threads, g.n, out_sample * l.taps, MIN_MACS_PER_WORKER), run);
  return T4J_OK;
}

int t4j_conv2d_few_channels_grad_weight_f32(const float* x, const float* grad_output, float* grad_weight,
                                            float* grad_bias, const int64_t* geometry, int threads) {
  if (!x || !grad_output || (!grad_weight && !grad_bias) || !geometry) return T4J_BAD_ARGUMENT;
  const Geometry g = read(geometry);
  if (!valid(g)) return T4J_BAD_ARGUMENT;
  const Layout l(g);
  const int64_t outs = (g.out_c + OUTS - 1) / OUTS * OUTS, plane = g.out_h * g.out_w;
  const int64_t in_sample = g.in_c * g.in_h * g.in_w, out_sample = g.out_c * plane;
  const std::vector<int64_t> off = tap_offsets(g, l);
  const int64_t workers = t4j::worker_count(threads, g.n, out_sample * l.taps, MIN_MACS_PER_WORKER);
  // each worker sums its samples in lanes, folded into doubles every FOLD samples, in a row of its own; the rows are
  // added in a fixed order at the end
  constexpr int64_t FOLD = 8;
  const int64_t lanes = outs * l.taps + outs, row = g.out_c * l.taps + g.out_c;
  std::vector<double> sums(static_cast<size_t>(workers * row), 0.0);
  const int64_t chunk = (g.n + workers - 1) / workers;
  auto run = [&](int64_t first, int64_t last) {
    double* gw = sums.data() + (first / chunk) * row;
    double* gb = gw + g.out_c * l.taps;
    std::vector<float> phases(static_cast<size_t>(g.in_c * l.phases * l.phase)), gy_wide(static_cast<size_t>(outs * l.wide));
    std::vector<float> acc(static_cast<size_t>(lanes * LANES), 0.0f);
    auto lanes_sum = [&](int64_t i) {
      double total = 0.0;
      for (int64_t k = 0; k < LANES; ++k) total += acc[static_cast<size_t>(i * LANES + k)];
      return total;
    };
    auto fold = [&] {
      for (int64_t o = 0; o < g.out_c; ++o) {
        for (int64_t t = 0; t < l.taps; ++t) gw[o * l.taps + t] += lanes_sum(o * l.taps + t);
        gb[o] += lanes_sum(outs * l.taps + o);
      }
      std::fill(acc.begin(), acc.end(), 0.0f);
    };
    for (int64_t s = first; s < last; ++s) {
      if (grad_weight) split_phases(x + s * in_sample, phases.data(), g, l);
      for (int64_t o = 0; o < g.out_c; ++o)
        copy_rows(grad_output + s * out_sample + o * plane, g.out_w, gy_wide.data() + o * l.wide, l.pitch, g.out_h, g.out_w);
      grad_weight_sample(phases.data(), gy_wide.data(), off.data(), acc.data(), grad_weight != nullptr, g, l);
      if ((s - first) % FOLD == FOLD - 1 || s == last - 1) fold();
    }
  };
  // chunks of the same size as split_range's, so that a chunk's first sample names its row
  t4j::split_range_on_openmp(g.n, workers, run);
  for (int64_t k = 0; k < g.out_c * l.taps + g.out_c; ++k) {
    double total = 0.0;
    for (int64_t w = 0; w < workers; ++w) total += sums[static_cast<size_t>(w * row + k)];
    if (k < g.out_c * l.taps) {
      if (grad_weight) grad_weight[k] = static_cast<float>(total);
    } else if (grad_bias) {
      grad_bias[k - g.out_c * l.taps] = static_cast<float>(total);
    }
  }
  return T4J_OK;
}
