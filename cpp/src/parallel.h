// Splitting a shim call's planes over threads: the shim has no thread pool of its own (a call is short and rare).
#ifndef TORCH4J_PARALLEL_H
#define TORCH4J_PARALLEL_H

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

namespace t4j {

// How many threads to use for `items` items of `work_per_item` each: `threads` (<= 0: all cores), but at least
// `min_work_per_thread` of work per thread, since a thread start costs ~20 us.
inline int64_t worker_count(int threads, int64_t items, int64_t work_per_item, int64_t min_work_per_thread) {
  const int64_t cores = static_cast<int64_t>(std::max(1u, std::thread::hardware_concurrency()));
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

}  // namespace t4j

#endif
