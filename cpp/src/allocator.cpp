#include "torch4j/shim.h"

#if defined(__GLIBC__) || (defined(__linux__) && !defined(__ANDROID__) && __has_include(<malloc.h>))
#  include <malloc.h>
#endif

int t4j_tune_allocator(int64_t mmap_threshold, int64_t trim_threshold, int64_t top_pad) {
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD) && defined(M_TOP_PAD)
  // All three or none: raising only one of the two thresholds makes a training step slower (measured).
  if (mmap_threshold <= 0 || trim_threshold <= 0 || top_pad <= 0) return -1;
  int ok = mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold) == 1;
  ok = ok && mallopt(M_TRIM_THRESHOLD, (int)trim_threshold) == 1;
  // The trim threshold covers the main arena and the shrinking of other arenas' heaps, but not the deletion of a
  // whole heap (64 MiB each) of a thread's own arena: glibc unmaps a heap that became free unless the top pad
  // is as large as a heap. Java threads never get the main arena, so without this, in some runs, each step's
  // activations came from a freshly mapped heap again (10x the page faults; docs/benchmarks.md, "Page faults").
  ok = ok && mallopt(M_TOP_PAD, (int)top_pad) == 1;
  return ok ? 1 : -1;
#else
  (void)mmap_threshold;
  (void)trim_threshold;
  (void)top_pad;
  return 0;
#endif
}
