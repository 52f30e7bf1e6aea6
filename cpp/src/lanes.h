// Sixteen floats as one value, for the convolution kernels' inner loops (conv.cpp, conv_few_channels.cpp): one
// AVX-512 register, two AVX2 ones, four SSE ones. The functions that use it are compiled once per target
// (T4J_VECTOR_CLONES) and the loader picks the clone for the CPU.
#ifndef TORCH4J_LANES_H
#define TORCH4J_LANES_H

#include <cstdint>
#include <cstring>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define T4J_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define T4J_VECTOR_CLONES
#endif

#if defined(__GNUC__) && !defined(__clang__)
// load/splat return vectors; they are internal and inlined into each target clone, so no ABI is crossed
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace t4j {

constexpr int64_t LANES = 16;

#if (defined(__GNUC__) || defined(__clang__)) && !defined(T4J_PLAIN_LANES)
// GCC/clang vector extension: each target clone lowers it to its own registers
typedef float Lanes __attribute__((vector_size(LANES * sizeof(float))));
#else
// MSVC has no vector extension: the same arithmetic on an array, left to the compiler's vectoriser
struct Lanes {
  float v[LANES];
  float& operator[](int64_t i) { return v[i]; }
  Lanes& operator+=(const Lanes& o) {
    for (int64_t l = 0; l < LANES; ++l) v[l] += o.v[l];
    return *this;
  }
  friend Lanes operator*(float a, const Lanes& b) {
    Lanes r;
    for (int64_t l = 0; l < LANES; ++l) r.v[l] = a * b.v[l];
    return r;
  }
  friend Lanes operator*(const Lanes& a, const Lanes& b) {
    Lanes r;
    for (int64_t l = 0; l < LANES; ++l) r.v[l] = a.v[l] * b.v[l];
    return r;
  }
};
#endif

// LANES floats from p (no alignment assumed: a std::vector does not align them to a vector's size)
inline Lanes load(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// adds v to the LANES floats at p
inline void add_to(float* p, const Lanes& v) {
  Lanes a = load(p);
  a += v;
  std::memcpy(p, &a, sizeof a);
}

inline Lanes splat(float x) {
  Lanes v;
  for (int64_t l = 0; l < LANES; ++l) v[l] = x;
  return v;
}

}  // namespace t4j

#endif
