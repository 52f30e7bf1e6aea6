// torch4j native shim: the C interface that Java binds to with JavaCPP.
// Plain C types only, so that the binding does not depend on a C++ ABI or on libtorch.
#ifndef TORCH4J_SHIM_H
#define TORCH4J_SHIM_H

#include <stdint.h>

#if defined(_WIN32)
#  if defined(TORCH4J_BUILDING_SHIM)
#    define TORCH4J_API __declspec(dllexport)
#  else
#    define TORCH4J_API __declspec(dllimport)
#  endif
#else
#  define TORCH4J_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Pixel layouts of a uint8 image batch. */
#define T4J_LAYOUT_NHWC 0
#define T4J_LAYOUT_NCHW 1

/* Status codes. */
#define T4J_OK 0
#define T4J_BAD_ARGUMENT 1

/* Converts a batch of uint8 images (n images of h x w pixels with c channels, laid out NHWC or NCHW)
 * into float32 NCHW: dst = (src / 255 - mean[channel]) / std[channel].
 * mean and std hold c values each; either may be NULL (0 and 1). threads <= 0 uses all cores.
 * Returns T4J_OK, or T4J_BAD_ARGUMENT (a null buffer, a non-positive size or a zero std). */
TORCH4J_API int t4j_u8_to_f32(const uint8_t* src, float* dst, int64_t n, int64_t h, int64_t w, int64_t c,
                              int layout, const float* mean, const float* std, int threads);

/* Keeps glibc's allocator from handing big, short-lived buffers (a training step's activations) back
 * to the kernel after every step: mallopt(M_MMAP_THRESHOLD) and mallopt(M_TRIM_THRESHOLD).
 * Returns 1 when applied, 0 where the C library has no mallopt (not glibc), -1 when mallopt refused. */
TORCH4J_API int t4j_tune_allocator(int64_t mmap_threshold, int64_t trim_threshold);

/* The shim's version, e.g. "0.1.0". */
TORCH4J_API const char* t4j_version(void);

#ifdef __cplusplus
}
#endif

#endif
