#include "torch4j/shim.h"

#if defined(__GLIBC__) || (defined(__linux__) && !defined(__ANDROID__) && __has_include(<malloc.h>))
#  include <malloc.h>
#endif

int t4j_tune_allocator(int64_t mmap_threshold, int64_t trim_threshold) {
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
  // Both or neither: raising only one of the two makes a training step slower (measured).
  if (mmap_threshold <= 0 || trim_threshold <= 0) return -1;
  int ok = mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold) == 1;
  ok = ok && mallopt(M_TRIM_THRESHOLD, (int)trim_threshold) == 1;
  return ok ? 1 : -1;
#else
  (void)mmap_threshold;
  (void)trim_threshold;
  return 0;
#endif
}
