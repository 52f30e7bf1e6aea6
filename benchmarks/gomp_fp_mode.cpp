// Does libgomp pass the caller's floating-point mode (MXCSR) to its team? Three parallel regions of two threads:
// before any change, after the caller sets flush-to-zero + denormals-are-zero, after it clears them; prints each
// thread's id and MXCSR. Then, with FTZ/DAZ set before the first region, whether threads libgomp starts inherit it.
//   g++ -O1 benchmarks/gomp_fp_mode.cpp -o /tmp/gomp_fp_mode -ldl -lpthread && /tmp/gomp_fp_mode
#include <dlfcn.h>
#include <pthread.h>
#include <xmmintrin.h>

#include <cstdio>
#include <cstdlib>

struct Job {
  unsigned long ids[2];
  unsigned csr[2];
  int (*thread_num)();
};

int main() {
  void* gomp = dlopen("libgomp.so.1", RTLD_NOW);
  if (!gomp) return 1;
  auto parallel = reinterpret_cast<void (*)(void (*)(void*), void*, unsigned, unsigned)>(dlsym(gomp, "GOMP_parallel"));
  Job job{};
  job.thread_num = reinterpret_cast<int (*)()>(dlsym(gomp, "omp_get_thread_num"));
  auto body = [](void* d) {
    Job* j = static_cast<Job*>(d);
    int t = j->thread_num();
    j->ids[t] = static_cast<unsigned long>(pthread_self());
    j->csr[t] = _mm_getcsr();
  };
  const bool before_first = getenv("SET_BEFORE_FIRST") != nullptr;
  for (int k = 0; k < 3; k++) {
    if (k == (before_first ? 0 : 1)) _mm_setcsr(_mm_getcsr() | 0x8040);
    if (k == 2) _mm_setcsr(_mm_getcsr() & ~0x8040u);
    parallel(body, &job, 2, 0);
    std::printf("region %d: caller %lx MXCSR %x | worker %lx MXCSR %x\n", k, job.ids[0], job.csr[0], job.ids[1], job.csr[1]);
  }
}
