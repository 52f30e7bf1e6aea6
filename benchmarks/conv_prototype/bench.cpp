// Prototype only, not built by CMake: s0-cnn's six convolutions (batch 512) by im2col + a small AVX2 GEMM, OpenMP.
//   g++ -O3 -mavx2 -mfma -fopenmp conv.cpp bench.cpp -o bench && ./bench   (docs/benchmarks.md, issue 15)
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <vector>
#include <random>
#include <algorithm>
#include <cmath>
struct Geo { int64_t N, C, H, W, O, KH, KW, SH, SW, PH, PW, OH, OW; };
void conv_forward(const Geo& g, const float* x, const float* w, const float* b, float* y, int threads);
void conv_backward(const Geo& g, const float* x, const float* w, const float* gy, float* gx, float* gw, float* gb, int threads);
template <class F> double tm(F f) { for (int i = 0; i < 10; ++i) f(); std::vector<double> t; for (int i = 0; i < 100; ++i) { auto a = std::chrono::steady_clock::now(); f(); t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count()); } std::sort(t.begin(), t.end()); return t[50]; }
int main() {
  int L[6][3] = {{1,4,28},{4,8,14},{8,16,7},{16,32,4},{32,64,2},{64,10,1}};
  std::mt19937 r(1); std::normal_distribution<float> nd;
  double tf = 0, tb = 0;
  for (int i = 0; i < 6; ++i) {
    Geo g{512, L[i][0], L[i][2], L[i][2], L[i][1], 3, 3, 2, 2, 1, 1, 0, 0}; g.OH = (g.H + 2 - 3) / 2 + 1; g.OW = g.OH;
    std::vector<float> x(g.N * g.C * g.H * g.W), w(g.O * g.C * 9), b(g.O), y(g.N * g.O * g.OH * g.OW), gy(y.size()), gx(x.size()), gw(w.size()), gb(b.size());
    for (auto* v : {&x, &w, &b, &gy}) for (auto& e : *v) e = nd(r);
    double f = tm([&] { conv_forward(g, x.data(), w.data(), b.data(), y.data(), 2); });
    double bw = tm([&] { conv_backward(g, x.data(), w.data(), gy.data(), i > 0 ? gx.data() : nullptr, gw.data(), gb.data(), 2); });
    tf += f; tb += bw;
    std::printf("layer %d: fwd %.3f bwd %.3f ms\n", i, f, bw);
  }
  std::printf("total fwd %.2f bwd %.2f\n", tf, tb);
}
