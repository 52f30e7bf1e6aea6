// A/B of two builds of the shim's max pooling (indices only, 1 thread) in one process: both dlopened, calls alternated per round.
//   g++ -O2 -o /tmp/ab_pool benchmarks/ab_pool.cpp -ldl && /tmp/ab_pool A.so B.so   (copies of libtorch4j_shim.so from two builds)
// A/B of two builds of the shim's max pooling in one process: dlopen both, alternate calls, median per round.
#include <dlfcn.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>
using Fn = int (*)(const float*, int64_t, int64_t, int64_t, const int64_t*, float*, int64_t*, int);
int main(int argc, char** argv) {
  Fn f[2];
  for (int i = 0; i < 2; ++i) {
    void* h = dlopen(argv[1 + i], RTLD_NOW | RTLD_LOCAL);
    if (!h) { std::printf("%s\n", dlerror()); return 1; }
    f[i] = reinterpret_cast<Fn>(dlsym(h, "t4j_max_pool2d_f32"));
  }
  const int64_t shapes[3][4] = {{64, 32, 26, 26}, {64, 64, 11, 11}, {100, 16, 24, 24}};
  std::mt19937 rng(1);
  std::normal_distribution<float> nd;
  for (auto& s : shapes) {
    const int64_t planes = s[0] * s[1], h = s[2], w = s[3], oh = h / 2, ow = w / 2;
    std::vector<float> x(planes * h * w);
    for (auto& v : x) v = nd(rng);
    std::vector<int64_t> idx(planes * oh * ow);
    const int64_t geo[10] = {2, 2, 2, 2, 0, 0, 1, 1, oh, ow};
    std::vector<double> med[2];
    for (int round = 0; round < 7; ++round)
      for (int v = 0; v < 2; ++v) {
        std::vector<double> t;
        for (int i = 0; i < 120; ++i) {
          auto t0 = std::chrono::steady_clock::now();
          f[v](x.data(), planes, h, w, geo, nullptr, idx.data(), 1);
          t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        std::sort(t.begin(), t.end());
        med[v].push_back(t[60]);
      }
    std::printf("%ldx%ldx%ldx%ld (1 thread) ms per round, A / B:", s[0], s[1], h, w);
    for (size_t r = 0; r < med[0].size(); ++r) std::printf(" %.3f/%.3f", med[0][r], med[1][r]);
    std::vector<double> ratio;
    for (size_t r = 0; r < med[0].size(); ++r) ratio.push_back(med[1][r] / med[0][r]);
    std::sort(ratio.begin(), ratio.end());
    std::printf("  median B/A %.2f\n", ratio[ratio.size() / 2]);
  }
}
