// Flushing denormal floats to zero. A denormal operand can cost the CPU a slow path (a microcode assist) per
// instruction; seed 004's SGD recipe trains ~1.6x slower once its gradients turn denormal
// (docs/benchmarks.md). The mode is a per-thread register, so it is set on the caller and on every member of the
// caller's OpenMP team, the threads libtorch computes on (threads created later by the team inherit the caller's).
#include "torch4j/shim.h"

#include "parallel.h"

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#include <xmmintrin.h>
#define T4J_DENORMALS_X86 1
#endif

namespace {

#if defined(T4J_DENORMALS_X86)
constexpr unsigned FLUSH_BITS = 0x8040u;  // MXCSR: flush-to-zero (bit 15) and denormals-are-zero (bit 6)
int thread_flushes() { return (_mm_getcsr() & FLUSH_BITS) == FLUSH_BITS ? 1 : 0; }
void set_thread_flush(bool on) { _mm_setcsr(on ? (_mm_getcsr() | FLUSH_BITS) : (_mm_getcsr() & ~FLUSH_BITS)); }
#elif defined(__aarch64__)
constexpr uint64_t FLUSH_BITS = uint64_t{1} << 24;  // FPCR.FZ
uint64_t fpcr() { uint64_t v; __asm__ __volatile__("mrs %0, fpcr" : "=r"(v)); return v; }
int thread_flushes() { return (fpcr() & FLUSH_BITS) ? 1 : 0; }
void set_thread_flush(bool on) {
  uint64_t v = on ? (fpcr() | FLUSH_BITS) : (fpcr() & ~FLUSH_BITS);
  __asm__ __volatile__("msr fpcr, %0" : : "r"(v));
}
#endif

}  // namespace

int t4j_flush_denormals(int on, int threads) {
#if defined(T4J_DENORMALS_X86) || defined(__aarch64__)
  const int before = thread_flushes();
  const bool flush = on != 0;
  set_thread_flush(flush);
  t4j::run_on_openmp_team(threads, [flush] { set_thread_flush(flush); });
  return before;
#else
  (void)on;
  (void)threads;
  return -1;
#endif
}

int t4j_flushes_denormals(void) {
#if defined(T4J_DENORMALS_X86) || defined(__aarch64__)
  return thread_flushes();
#else
  return -1;
#endif
}
