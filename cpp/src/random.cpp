// Dropout's mask. libtorch 2.10's CPU bernoulli_(p) without MKL draws each element serially from mt19937 (~15 ns an
// element: 1.7 ms for s0-catdog's 98k-element dropout, 6 % of its step, and as slow in PyTorch 1.13). Here each
// element's draw is a counter-based hash of (seed, index), so the elements need no order: the loop vectorises, splits
// over threads, and gives the same mask for any thread count. The seed is one draw from the caller's generator, so a
// run that restores its generator state draws the same masks again.
#include "torch4j/shim.h"

#include <cmath>

#include "parallel.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define T4J_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define T4J_VECTOR_CLONES
#endif

namespace {

constexpr int64_t MIN_ELEMENTS_PER_WORKER = 32768;

// splitmix64's output function applied to seed + (index + 1) * golden gamma: element i gets the (i + 1)-th number of the
// splitmix64 stream started at seed, which passes BigCrush as a sequence.
T4J_VECTOR_CLONES void fill_mask(float* mask, int64_t first, int64_t last, uint64_t seed, uint32_t threshold, float scale) {
  for (int64_t i = first; i < last; ++i) {
    uint64_t z = seed + static_cast<uint64_t>(i + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    // the top 24 bits as a uniform integer in [0, 2^24): kept when below keep * 2^24
    mask[i] = static_cast<uint32_t>(z >> 40) < threshold ? scale : 0.0f;
  }
}

}  // namespace

int t4j_dropout_mask_f32(float* mask, int64_t n, double keep, uint64_t seed, int threads) {
  if (!mask || n < 0 || !(keep > 0.0 && keep <= 1.0)) return T4J_BAD_ARGUMENT;
  const uint32_t threshold = static_cast<uint32_t>(std::llround(keep * 16777216.0));
  const float scale = 1.0f / static_cast<float>(keep);  // as libtorch's noise.div(keep) on a float tensor
  auto run = [&](int64_t first, int64_t last) { fill_mask(mask, first, last, seed, threshold, scale); };
  t4j::split_range_on_openmp(n, t4j::worker_count(threads, n, 1, MIN_ELEMENTS_PER_WORKER), run);
  return T4J_OK;
}
