// Batch normalisation in training on contiguous [N, C, H, W] floats, optionally of a ReLU's output computed on the fly.
// libtorch 2.10's CPU training forward walks each (sample, channel) plane on its own and takes 0.4-0.8 ms on s0-cnn's
// 4@14x14 planes at batch 512 (1.6 MB; its inference forward, one pass, takes 0.08 ms), and its ReLU before it is two
// more passes. Here every pass is one elementwise loop over runs of whole channel planes that the compiler vectorises,
// with no reduction in the inner loop: each pass adds a group of samples' values into a float row of the run's length,
// which is then summed per channel in double. Groups of samples and runs of channels are fixed by the shape alone, and
// their sums are added in a fixed order, so the statistics do not depend on the thread count.
#include "torch4j/shim.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "parallel.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define T4J_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define T4J_VECTOR_CLONES
#endif

namespace {

// Samples per partial sum: float rows over at most this many samples, then double.
constexpr int64_t GROUP = 32;
// A run of channels covers about this many values of one sample (whole planes; at least one plane): small enough that
// a batch of 32 (one group) still splits into several blocks for the threads.
constexpr int64_t RUN_VALUES = 1024;
constexpr int64_t MIN_VALUES_PER_WORKER = 65536;

struct Shape {
  int64_t n, c, p;
  int64_t row() const { return c * p; }
  int64_t groups() const { return (n + GROUP - 1) / GROUP; }
  int64_t run_channels() const { return std::max<int64_t>(1, std::min(c, RUN_VALUES / p)); }
  int64_t runs() const { return (c + run_channels() - 1) / run_channels(); }
};

inline float input(float v, bool relu) { return relu && v < 0.0f ? 0.0f : v; }

// d = input(x[i]) - shift[i]: s[i] += d, sq[i] += d * d over one sample's run
T4J_VECTOR_CLONES void add_shifted(float* s, float* sq, const float* x, const float* shift, int64_t len, bool relu) {
  for (int64_t i = 0; i < len; ++i) {
    const float d = input(x[i], relu) - shift[i];
    s[i] += d;
    sq[i] += d * d;
  }
}

// y[i] = input(x[i]) * scale[i] + shift[i]
T4J_VECTOR_CLONES void normalise(float* y, const float* x, const float* scale, const float* shift, int64_t len, bool relu) {
  for (int64_t i = 0; i < len; ++i) y[i] = input(x[i], relu) * scale[i] + shift[i];
}

// g[i] += gy[i]; gxm[i] += gy[i] * (input(x[i]) - mean[i])
T4J_VECTOR_CLONES void add_gradients(float* g, float* gxm, const float* gy, const float* x, const float* mean, int64_t len,
                                     bool relu) {
  for (int64_t i = 0; i < len; ++i) {
    g[i] += gy[i];
    gxm[i] += gy[i] * (input(x[i], relu) - mean[i]);
  }
}

// gx[i] = gy[i] * k1[i] + (x[i] - mean[i]) * k2[i] + k3[i], zero where the ReLU cut x
T4J_VECTOR_CLONES void input_gradient(float* gx, const float* gy, const float* x, const float* k1, const float* k2,
                                      const float* mean, const float* k3, int64_t len, bool relu) {
  if (relu) {
    for (int64_t i = 0; i < len; ++i) {
      const float v = gy[i] * k1[i] + (x[i] - mean[i]) * k2[i] + k3[i];
      gx[i] = x[i] > 0.0f ? v : 0.0f;
    }
  } else {
    for (int64_t i = 0; i < len; ++i) gx[i] = gy[i] * k1[i] + (x[i] - mean[i]) * k2[i] + k3[i];
  }
}

// Sums each channel's plane of acc in double (four chains, so the additions overlap) into out[channel].
void fold(const float* acc, int64_t channels, int64_t p, double* out) {
  for (int64_t c = 0; c < channels; ++c) {
    const float* a = acc + c * p;
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    int64_t i = 0;
    for (; i + 4 <= p; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    for (; i < p; ++i) s0 += a[i];
    out[c] = (s0 + s1) + (s2 + s3);
  }
}

// Per-channel values spread over a run: row[(c - c0) * p + i] = v[c].
void spread(const double* v, int64_t c0, int64_t channels, int64_t p, float* row) {
  for (int64_t c = 0; c < channels; ++c) std::fill(row + c * p, row + (c + 1) * p, static_cast<float>(v[c0 + c]));
}

// Runs body(group, c0, channels, spread) for every block (a group of samples, a run of channels) on the OpenMP team;
// spread holds each of the per-channel vectors spread over the run (spread()), one after the other.
template <class Body>
void for_each_block(const Shape& s, int threads, const std::vector<const double*>& per_channel, const Body& body) {
  const int64_t runs = s.runs(), blocks = s.groups() * runs, per_block = s.n * s.row() / blocks + 1;
  t4j::split_range_on_openmp(blocks, t4j::worker_count(threads, blocks, per_block, MIN_VALUES_PER_WORKER),
                             [&](int64_t first, int64_t last) {
    std::vector<float> rows;
    for (int64_t b = first; b < last; ++b) {
      const int64_t group = b / runs, c0 = (b % runs) * s.run_channels(), channels = std::min(s.run_channels(), s.c - c0);
      const int64_t len = channels * s.p;
      rows.resize(static_cast<size_t>(len) * per_channel.size());
      for (size_t k = 0; k < per_channel.size(); ++k) spread(per_channel[k], c0, channels, s.p, rows.data() + k * len);
      body(group, c0, channels, rows.data());
    }
  });
}

// Per-channel sums over all samples of what add(acc, sample, c0, len, spread) accumulates into ROWS rows of the run's
// length, in a fixed order: partial sums per group of samples, then the groups in order.
template <int ROWS, class Add>
void channel_sums(const Shape& s, int threads, const std::vector<const double*>& per_channel, const Add& add, double* out0,
                  double* out1) {
  const int64_t groups = s.groups();
  std::vector<double> partial(static_cast<size_t>(ROWS * groups * s.c));
  for_each_block(s, threads, per_channel, [&](int64_t group, int64_t c0, int64_t channels, const float* spread_rows) {
    const int64_t len = channels * s.p;
    std::vector<float> acc(static_cast<size_t>(ROWS * len), 0.0f);
    for (int64_t n = group * GROUP; n < std::min(s.n, (group + 1) * GROUP); ++n) add(acc.data(), n, c0, len, spread_rows);
    for (int r = 0; r < ROWS; ++r) fold(acc.data() + r * len, channels, s.p, partial.data() + (r * groups + group) * s.c + c0);
  });
  for (int r = 0; r < ROWS; ++r) {
    double* out = r == 0 ? out0 : out1;
    for (int64_t c = 0; c < s.c; ++c) {
      double total = 0.0;
      for (int64_t g = 0; g < groups; ++g) total += partial[static_cast<size_t>((r * groups + g) * s.c + c)];
      out[c] = total;
    }
  }
}

// Runs op(sample, c0, len, spread) over every sample's run of every block.
template <class Op>
void for_each_run(const Shape& s, int threads, const std::vector<const double*>& per_channel, const Op& op) {
  for_each_block(s, threads, per_channel, [&](int64_t group, int64_t c0, int64_t channels, const float* spread_rows) {
    for (int64_t n = group * GROUP; n < std::min(s.n, (group + 1) * GROUP); ++n) op(n, c0, channels * s.p, spread_rows);
  });
}

bool valid(int64_t n, int64_t c, int64_t p) {
  return n > 0 && c > 0 && p > 0 && n * p > 1;
}

}  // namespace

int t4j_batch_norm_train_f32(const float* x, float* y, const float* weight, const float* bias, float* save_mean,
                             float* save_invstd, float* running_mean, float* running_var, int64_t n, int64_t c, int64_t p,
                             double momentum, double eps, int relu_input, int threads) {
  if (!x || !y || !save_mean || !save_invstd || !valid(n, c, p) || !(eps >= 0.0) || !(momentum >= 0.0 && momentum <= 1.0)
      || (!running_mean != !running_var)) {
    return T4J_BAD_ARGUMENT;
  }
  const Shape s{n, c, p};
  const int64_t row = s.row();
  const bool relu = relu_input != 0;
  const double count = static_cast<double>(n * p);
  // One pass for both moments, around a shift per channel (its first value): with d = v - shift, the sum of squared
  // deviations is sum(d^2) - sum(d)^2 / count, exact enough while the mean is within a few deviations of the shift.
  // Where it is not (mean(d)^2 above 100 times the variance: the floats d lose digits too), the pass runs again
  // around the mean found.
  std::vector<double> shift(static_cast<size_t>(c)), mean(static_cast<size_t>(c)), var(static_cast<size_t>(c));
  std::vector<double> sum(static_cast<size_t>(c)), squares(static_cast<size_t>(c));
  for (int64_t k = 0; k < c; ++k) shift[k] = static_cast<double>(input(x[k * p], relu));
  for (int round = 0; round < 2; ++round) {
    channel_sums<2>(s, threads, {shift.data()}, [&](float* acc, int64_t sample, int64_t c0, int64_t len, const float* k) {
      add_shifted(acc, acc + len, x + sample * row + c0 * p, k, len, relu);
    }, sum.data(), squares.data());
    bool again = false;
    for (int64_t k = 0; k < c; ++k) {
      const double d = sum[k] / count;
      mean[k] = static_cast<double>(static_cast<float>(shift[k])) + d;  // the shift as the rows subtracted it
      var[k] = std::max(0.0, squares[k] - sum[k] * d) / count;            // biased
      if (d * d > 100.0 * var[k]) again = true;
    }
    if (!again) break;
    shift = mean;
  }
  std::vector<double> scale(static_cast<size_t>(c)), offset(static_cast<size_t>(c));
  for (int64_t k = 0; k < c; ++k) {
    const double invstd = 1.0 / std::sqrt(var[k] + eps);
    const double w = weight ? weight[k] : 1.0, b = bias ? bias[k] : 0.0;
    scale[k] = w * invstd;
    offset[k] = b - mean[k] * w * invstd;
    save_mean[k] = static_cast<float>(mean[k]);
    save_invstd[k] = static_cast<float>(invstd);
    if (running_mean) {
      // as libtorch: the running variance takes the unbiased estimate
      running_mean[k] = static_cast<float>((1.0 - momentum) * running_mean[k] + momentum * mean[k]);
      running_var[k] = static_cast<float>((1.0 - momentum) * running_var[k] + momentum * var[k] * count / (count - 1.0));
    }
  }
  for_each_run(s, threads, {scale.data(), offset.data()}, [&](int64_t sample, int64_t c0, int64_t len, const float* rows) {
    const int64_t at = sample * row + c0 * p;
    normalise(y + at, x + at, rows, rows + len, len, relu);
  });
  return T4J_OK;
}

int t4j_batch_norm_train_backward_f32(const float* x, const float* grad_output, const float* weight, const float* save_mean,
                                      const float* save_invstd, float* grad_input, float* grad_weight, float* grad_bias,
                                      int64_t n, int64_t c, int64_t p, int relu_input, int threads) {
  if (!x || !grad_output || !save_mean || !save_invstd || !valid(n, c, p) || (!grad_input && !grad_weight && !grad_bias)) {
    return T4J_BAD_ARGUMENT;
  }
  const Shape s{n, c, p};
  const int64_t row = s.row();
  const bool relu = relu_input != 0;
  const double count = static_cast<double>(n * p);
  std::vector<double> mean(save_mean, save_mean + c), sum_gy(static_cast<size_t>(c)), sum_gy_xmu(static_cast<size_t>(c));
  channel_sums<2>(s, threads, {mean.data()}, [&](float* acc, int64_t sample, int64_t c0, int64_t len, const float* m) {
    const int64_t at = sample * row + c0 * p;
    add_gradients(acc, acc + len, grad_output + at, x + at, m, len, relu);
  }, sum_gy.data(), sum_gy_xmu.data());
  for (int64_t k = 0; k < c; ++k) {
    if (grad_weight) grad_weight[k] = static_cast<float>(sum_gy_xmu[k] * save_invstd[k]);
    if (grad_bias) grad_bias[k] = static_cast<float>(sum_gy[k]);
  }
  if (!grad_input) return T4J_OK;
  // gx = w s (gy - sum_gy / M - xhat sum(gy xhat) / M) with xhat = (x - mean) s: gy k1 + (x - mean) k2 + k3
  std::vector<double> k1(static_cast<size_t>(c)), k2(static_cast<size_t>(c)), k3(static_cast<size_t>(c));
  for (int64_t k = 0; k < c; ++k) {
    const double invstd = save_invstd[k], w = weight ? weight[k] : 1.0, ws = w * invstd;
    k1[k] = ws;
    k2[k] = -ws * invstd * invstd * sum_gy_xmu[k] / count;
    k3[k] = -ws * sum_gy[k] / count;
  }
  for_each_run(s, threads, {k1.data(), k2.data(), mean.data(), k3.data()},
               [&](int64_t sample, int64_t c0, int64_t len, const float* rows) {
    const int64_t at = sample * row + c0 * p;
    input_gradient(grad_input + at, grad_output + at, x + at, rows, rows + len, rows + 2 * len, rows + 3 * len, len, relu);
  });
  return T4J_OK;
}
