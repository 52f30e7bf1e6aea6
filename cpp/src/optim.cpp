// Adam's update of one float parameter in one pass. Through libtorch it is ~10 operations per parameter (each a
// dispatch, two of them allocating), which on the seed models costs more than the arithmetic (docs/benchmarks.md,
// "Adam in one pass"). Same formula as torch.optim.Adam's single-tensor loop (PyTorch 1.13), and the same roundings
// as libtorch 2.10's vectorised CPU kernels (checked on this AVX-512 machine): they fuse `add_(x, alpha)` and `addcmul_` into a multiply-add, and addcdiv_
// computes (value * t1) / t2. The result is bit for bit the one of those ten operations (checked in OptimizerTest).
#include "torch4j/shim.h"

#include <algorithm>
#include <cmath>

// An FMA copy beside the baseline one, picked at load time (GCC on x86-64 Linux). The baseline's std::fma is exact but
// done in software: slow, still the same bits.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define T4J_FMA_CLONE __attribute__((target_clones("fma", "default")))
#else
#define T4J_FMA_CLONE
#endif

namespace {

struct AdamScalars {
  float b1, one_minus_b1, b2, one_minus_b2, wd, shrink, bc2_sqrt, step_size, eps;
};

// One branch-free loop per variant, so that it vectorises.
template <bool CoupledDecay, bool DecoupledDecay, bool AmsGrad>
T4J_FMA_CLONE void adam_loop(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq,
                             int64_t n, const AdamScalars k) {
  for (int64_t i = 0; i < n; ++i) {
    float p = param[i];
    if (DecoupledDecay) p = p * k.shrink;  // AdamW: p.mul_(1 - lr * wd)
    const float g = CoupledDecay ? std::fma(p, k.wd, grad[i]) : grad[i];  // grad.add(p, alpha=wd)
    const float m = std::fma(g, k.one_minus_b1, exp_avg[i] * k.b1);  // exp_avg.mul_(b1).add_(g, alpha=1 - b1)
    const float v = std::fma(k.one_minus_b2 * g, g, exp_avg_sq[i] * k.b2);  // exp_avg_sq.mul_(b2).addcmul_(g, g, value=1 - b2)
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
    float second = v;
    if (AmsGrad) second = max_exp_avg_sq[i] = std::max(max_exp_avg_sq[i], v);  // torch.maximum(max, v, out=max)
    const float denom = std::sqrt(second) / k.bc2_sqrt + k.eps;  // (v.sqrt() / bc2_sqrt).add_(eps)
    param[i] = p + (k.step_size * m) / denom;  // p.addcdiv_(m, denom, value=-lr / bc1)
  }
}

template <bool CoupledDecay, bool DecoupledDecay>
void adam_variant(float* param, const float* grad, float* m, float* v, float* vmax, int64_t n, const AdamScalars& k) {
  if (vmax) adam_loop<CoupledDecay, DecoupledDecay, true>(param, grad, m, v, vmax, n, k);
  else adam_loop<CoupledDecay, DecoupledDecay, false>(param, grad, m, v, vmax, n, k);
}

}  // namespace

int t4j_adam_step_f32(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq,
                      int64_t n, double lr, double beta1, double beta2, double eps, double weight_decay, int decoupled,
                      double step) {
  if (!param || !grad || !exp_avg || !exp_avg_sq || n < 0 || step < 1) return T4J_BAD_ARGUMENT;
  // libtorch casts each Python float to the tensor's type before the arithmetic; so does this
  const AdamScalars k{static_cast<float>(beta1), static_cast<float>(1 - beta1), static_cast<float>(beta2),
                      static_cast<float>(1 - beta2), static_cast<float>(weight_decay),
                      static_cast<float>(1 - lr * weight_decay),
                      static_cast<float>(std::sqrt(1 - std::pow(beta2, step))),
                      static_cast<float>(-lr / (1 - std::pow(beta1, step))), static_cast<float>(eps)};
  if (weight_decay == 0) adam_variant<false, false>(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, n, k);
  else if (decoupled) adam_variant<false, true>(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, n, k);
  else adam_variant<true, false>(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, n, k);
  return T4J_OK;
}
