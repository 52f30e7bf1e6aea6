// Adam's update of one float parameter in one pass. Through libtorch it is ~10 operations per parameter (each a
// dispatch, two of them allocating), which on the seed models costs more than the arithmetic (docs/benchmarks.md,
// "Adam in one pass"). Same formula and order as torch.optim.Adam's single-tensor loop (PyTorch 1.13), in float.
#include "torch4j/shim.h"

#include <algorithm>
#include <cmath>

int t4j_adam_step_f32(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq,
                      int64_t n, double lr, double beta1, double beta2, double eps, double weight_decay, int decoupled,
                      double step) {
  if (!param || !grad || !exp_avg || !exp_avg_sq || n < 0 || step < 1) return T4J_BAD_ARGUMENT;
  // libtorch casts each Python float to the tensor's type before the arithmetic; so does this
  const float b1 = static_cast<float>(beta1), one_minus_b1 = static_cast<float>(1 - beta1);
  const float b2 = static_cast<float>(beta2), one_minus_b2 = static_cast<float>(1 - beta2);
  const float wd = static_cast<float>(weight_decay), shrink = static_cast<float>(1 - lr * weight_decay);
  const float bc2_sqrt = static_cast<float>(std::sqrt(1 - std::pow(beta2, step)));
  const float step_size = static_cast<float>(-lr / (1 - std::pow(beta1, step)));
  const float e = static_cast<float>(eps);
  const bool coupled_decay = weight_decay != 0 && !decoupled, decay_weights = weight_decay != 0 && decoupled;
  for (int64_t i = 0; i < n; ++i) {
    float p = param[i];
    if (decay_weights) p = p * shrink;  // AdamW: p.mul_(1 - lr * wd)
    const float g = coupled_decay ? grad[i] + wd * p : grad[i];  // grad.add(p, alpha=wd)
    const float m = exp_avg[i] * b1 + one_minus_b1 * g;  // exp_avg.mul_(b1).add_(g, alpha=1 - b1)
    const float v = exp_avg_sq[i] * b2 + one_minus_b2 * g * g;  // exp_avg_sq.mul_(b2).addcmul_(g, g, value=1 - b2)
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
    float second = v;
    if (max_exp_avg_sq) second = max_exp_avg_sq[i] = std::max(max_exp_avg_sq[i], v);  // torch.maximum(max, v, out=max)
    const float denom = std::sqrt(second) / bc2_sqrt + e;  // (v.sqrt() / bc2_sqrt).add_(eps)
    param[i] = p + step_size * (m / denom);  // p.addcdiv_(m, denom, value=-lr / bc1)
  }
  return T4J_OK;
}
