// Splitting a shim call's planes over threads: the shim keeps no thread pool of its own. Image work starts threads per call
// (a call is long and rare); tensor operations borrow the calling thread's OpenMP team, the one libtorch runs on.
#ifndef TORCH4J_PARALLEL_H
#define TORCH4J_PARALLEL_H

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>
#if defined(__linux__)
#include <dlfcn.h>
#endif

namespace t4j {

// How many threads to use for `items` items of `work_per_item` each: `threads` (<= 0: all cores), but at least
// `min_work_per_thread` of work per thread, since a thread start costs ~20 us.
inline int64_t worker_count(int threads, int64_t items, int64_t work_per_item, int64_t min_work_per_thread) {
  // read once: glibc answers hardware_concurrency by opening and parsing /sys/devices/system/cpu/online, 10-30 us a call
  static const int64_t cores = static_cast<int64_t>(std::max(1u, std::thread::hardware_concurrency()));
  const int64_t wanted = threads > 0 ? threads : cores;
  return std::max<int64_t>(1, std::min({wanted, items, (items * work_per_item) / min_work_per_thread + 1}));
}

// Runs body(first, last) over [0, items) in `workers` contiguous chunks, the first chunk on the calling thread.
template <class Body>
void split_range(int64_t items, int64_t workers, const Body& body) {
  if (workers <= 1) {
    body(int64_t{0}, items);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(workers - 1));
  const int64_t chunk = (items + workers - 1) / workers;
  for (int64_t t = 1; t < workers; ++t) {
    const int64_t first = t * chunk, last = std::min(items, first + chunk);
    if (first < last) pool.emplace_back(body, first, last);
  }
  body(int64_t{0}, std::min(items, chunk));
  for (auto& th : pool) th.join();
}

// libgomp's entry point for `#pragma omp parallel` (stable since GCC 4.9): runs fn(data) on a team of num_threads.
using GompParallel = void (*)(void (*fn)(void*), void* data, unsigned num_threads, unsigned flags);

// The OpenMP runtime that libtorch (the presets' libgomp.so.1) has already loaded, or null. Found by soname with
// RTLD_NOLOAD, so the shim neither links OpenMP nor loads a second runtime; looked up again until it is there.
inline GompParallel loaded_openmp() {
#if defined(__linux__)
  static std::atomic<GompParallel> found{nullptr};
  GompParallel f = found.load(std::memory_order_acquire);
  if (f) return f;
  if (void* lib = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD)) {
    f = reinterpret_cast<GompParallel>(dlsym(lib, "GOMP_parallel"));
    dlclose(lib);  // drops only the reference NOLOAD took; libtorch keeps the library loaded
    found.store(f, std::memory_order_release);
  }
  return f;
#else
  return nullptr;
#endif
}

// split_range for work done between libtorch's own operations on the same thread (a tensor op such as pooling):
// the chunks go to that thread's OpenMP team, whose workers spin waiting for libtorch's next op. A fresh std::thread
// would compete with a spinning worker for the core and pays ~20 us to start. Falls back to split_range without it.
template <class Body>
void split_range_on_openmp(int64_t items, int64_t workers, const Body& body) {
  GompParallel parallel = workers > 1 ? loaded_openmp() : nullptr;
  if (!parallel) {
    split_range(items, workers, body);
    return;
  }
  struct Job {
    const Body* body;
    int64_t items, chunk, chunks;
    std::atomic<int64_t> next{0};
  } job{&body, items, (items + workers - 1) / workers, 0};
  job.chunks = (items + job.chunk - 1) / job.chunk;
  // each team member takes chunks until none is left: correct whatever team size the runtime grants
  parallel([](void* data) {
    Job& j = *static_cast<Job*>(data);
    for (int64_t c; (c = j.next.fetch_add(1, std::memory_order_relaxed)) < j.chunks;) {
      (*j.body)(c * j.chunk, std::min(j.items, (c + 1) * j.chunk));
    }
  }, &job, static_cast<unsigned>(workers), 0);
}

}  // namespace t4j

#endif
