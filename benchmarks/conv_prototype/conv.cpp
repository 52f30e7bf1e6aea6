#include <cstdint>
#include <cstring>
#include <vector>
#include <algorithm>
#include <omp.h>
typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));
static inline __attribute__((always_inline)) v8 ld(const float* p) { return *reinterpret_cast<const v8u*>(p); }
static inline __attribute__((always_inline)) void st(float* p, v8 v) { *reinterpret_cast<v8u*>(p) = v; }
// C[rows x m] (+)= A[rows x k] * B[k x m]; row strides lda, ldb, ldc. Vectorised over m, 4 rows x 16 columns per block.
__attribute__((noinline)) static void gemm_rowmajor(int64_t rows, int64_t k, int64_t m, const float* __restrict A, int64_t lda,
                          const float* __restrict B, int64_t ldb, float* __restrict C, int64_t ldc, bool accumulate) {
  int64_t r0 = 0;
  for (; r0 + 4 <= rows; r0 += 4) {
    const float* a0 = A + r0 * lda; const float* a1 = a0 + lda; const float* a2 = a1 + lda; const float* a3 = a2 + lda;
    float* c0 = C + r0 * ldc; float* c1 = c0 + ldc; float* c2 = c1 + ldc; float* c3 = c2 + ldc;
    int64_t j = 0;
    for (; j + 16 <= m; j += 16) {
      v8 z = {}; v8 x00 = z, x01 = z, x10 = z, x11 = z, x20 = z, x21 = z, x30 = z, x31 = z;
      if (accumulate) { x00 = ld(c0 + j); x01 = ld(c0 + j + 8); x10 = ld(c1 + j); x11 = ld(c1 + j + 8);
                        x20 = ld(c2 + j); x21 = ld(c2 + j + 8); x30 = ld(c3 + j); x31 = ld(c3 + j + 8); }
      const float* b = B + j;
      for (int64_t p = 0; p < k; ++p, b += ldb) {
        v8 b0 = ld(b), b1 = ld(b + 8);
        v8 s = z + a0[p]; x00 += s * b0; x01 += s * b1;
        s = z + a1[p]; x10 += s * b0; x11 += s * b1;
        s = z + a2[p]; x20 += s * b0; x21 += s * b1;
        s = z + a3[p]; x30 += s * b0; x31 += s * b1;
      }
      st(c0 + j, x00); st(c0 + j + 8, x01); st(c1 + j, x10); st(c1 + j + 8, x11);
      st(c2 + j, x20); st(c2 + j + 8, x21); st(c3 + j, x30); st(c3 + j + 8, x31);
    }
    for (; j + 8 <= m; j += 8) {
      v8 z = {}; v8 x0 = z, x1 = z, x2 = z, x3 = z;
      if (accumulate) { x0 = ld(c0 + j); x1 = ld(c1 + j); x2 = ld(c2 + j); x3 = ld(c3 + j); }
      const float* b = B + j;
      for (int64_t p = 0; p < k; ++p, b += ldb) { v8 b0 = ld(b); x0 += (z + a0[p]) * b0; x1 += (z + a1[p]) * b0; x2 += (z + a2[p]) * b0; x3 += (z + a3[p]) * b0; }
      st(c0 + j, x0); st(c1 + j, x1); st(c2 + j, x2); st(c3 + j, x3);
    }
    for (; j < m; ++j) {
      float s0 = accumulate ? c0[j] : 0.f, s1 = accumulate ? c1[j] : 0.f, s2 = accumulate ? c2[j] : 0.f, s3 = accumulate ? c3[j] : 0.f;
      for (int64_t p = 0; p < k; ++p) { float bv = B[p * ldb + j]; s0 += a0[p] * bv; s1 += a1[p] * bv; s2 += a2[p] * bv; s3 += a3[p] * bv; }
      c0[j] = s0; c1[j] = s1; c2[j] = s2; c3[j] = s3;
    }
  }
  for (; r0 < rows; ++r0) {
    float* c = C + r0 * ldc;
    if (!accumulate) std::fill(c, c + m, 0.f);
    for (int64_t p = 0; p < k; ++p) { float a = A[r0 * lda + p]; const float* b = B + p * ldb; for (int64_t j = 0; j < m; ++j) c[j] += a * b[j]; }
  }
}
struct Geo { int64_t N, C, H, W, O, KH, KW, SH, SW, PH, PW, OH, OW; };
// the output columns ow whose input column ow*SW - PW + kw lies inside [0, W)
static inline void valid_range(int64_t OW, int64_t W, int64_t SW, int64_t PW, int64_t kw, int64_t& lo, int64_t& hi) {
  lo = 0; while (lo < OW && lo * SW - PW + kw < 0) ++lo;
  hi = OW; while (hi > lo && (hi - 1) * SW - PW + kw >= W) --hi;
}
// cols[(c,kh,kw) x (s*L + l)] for samples n0..n0+G
__attribute__((noinline)) static void im2col(const Geo& g, const float* x, int64_t n0, int64_t G, float* cols) {
  int64_t L = g.OH * g.OW, M = G * L;
  for (int64_t c = 0; c < g.C; ++c) for (int64_t kh = 0; kh < g.KH; ++kh) for (int64_t kw = 0; kw < g.KW; ++kw) {
    float* row = cols + ((c * g.KH + kh) * g.KW + kw) * M;
    int64_t lo, hi; valid_range(g.OW, g.W, g.SW, g.PW, kw, lo, hi);
    for (int64_t s = 0; s < G; ++s) {
      const float* xp = x + ((n0 + s) * g.C + c) * g.H * g.W;
      for (int64_t oh = 0; oh < g.OH; ++oh) {
        int64_t ih = oh * g.SH - g.PH + kh;
        float* out = row + s * L + oh * g.OW;
        if (ih < 0 || ih >= g.H) { for (int64_t ow = 0; ow < g.OW; ++ow) out[ow] = 0.f; continue; }
        for (int64_t ow = 0; ow < lo; ++ow) out[ow] = 0.f;
        const float* in = xp + ih * g.W - g.PW + kw;
        if (g.SW == 1) for (int64_t ow = lo; ow < hi; ++ow) out[ow] = in[ow];
        else for (int64_t ow = lo; ow < hi; ++ow) out[ow] = in[ow * g.SW];
        for (int64_t ow = hi; ow < g.OW; ++ow) out[ow] = 0.f;
      }
    }
  }
}
__attribute__((noinline)) static void col2im_add(const Geo& g, const float* cols, int64_t n0, int64_t G, float* gx) {
  int64_t L = g.OH * g.OW, M = G * L;
  for (int64_t c = 0; c < g.C; ++c) for (int64_t kh = 0; kh < g.KH; ++kh) for (int64_t kw = 0; kw < g.KW; ++kw) {
    const float* row = cols + ((c * g.KH + kh) * g.KW + kw) * M;
    int64_t lo, hi; valid_range(g.OW, g.W, g.SW, g.PW, kw, lo, hi);
    for (int64_t s = 0; s < G; ++s) { float* xp = gx + ((n0 + s) * g.C + c) * g.H * g.W;
      for (int64_t oh = 0; oh < g.OH; ++oh) { int64_t ih = oh * g.SH - g.PH + kh; if (ih < 0 || ih >= g.H) continue;
        const float* in = row + s * L + oh * g.OW; float* out = xp + ih * g.W - g.PW + kw;
        if (g.SW == 1) for (int64_t ow = lo; ow < hi; ++ow) out[ow] += in[ow];
        else for (int64_t ow = lo; ow < hi; ++ow) out[ow * g.SW] += in[ow]; } }
  }
}
static inline float hsum(v8 v) { float s = 0; for (int i = 0; i < 8; ++i) s += v[i]; return s; }
// C[rows x n] += A[rows x m] * B[n x m]^T (dot products along m, both rows contiguous)
__attribute__((noinline)) static void gemm_abt(int64_t rows, int64_t n, int64_t m, const float* __restrict A, int64_t lda,
                     const float* __restrict B, int64_t ldb, float* __restrict C, int64_t ldc) {
  for (int64_t r = 0; r < rows; r += 4) {
    int64_t rr = std::min<int64_t>(4, rows - r);
    for (int64_t q = 0; q < n; q += 4) {
      int64_t qq = std::min<int64_t>(4, n - q);
      v8 acc[4][4] = {};
      const float* a[4]; const float* b[4];
      for (int i = 0; i < 4; ++i) { a[i] = A + (r + std::min<int64_t>(i, rr - 1)) * lda; b[i] = B + (q + std::min<int64_t>(i, qq - 1)) * ldb; }
      int64_t j = 0;
      for (; j + 8 <= m; j += 8) {
        v8 av[4] = {ld(a[0] + j), ld(a[1] + j), ld(a[2] + j), ld(a[3] + j)};
        v8 bv[4] = {ld(b[0] + j), ld(b[1] + j), ld(b[2] + j), ld(b[3] + j)};
        for (int i = 0; i < 4; ++i) for (int k = 0; k < 4; ++k) acc[i][k] += av[i] * bv[k];
      }
      for (int i = 0; i < rr; ++i) for (int k = 0; k < qq; ++k) {
        float s = hsum(acc[i][k]);
        for (int64_t t = j; t < m; ++t) s += a[i][t] * b[k][t];
        C[(r + i) * ldc + q + k] += s;
      }
    }
  }
}
static int64_t group_for(const Geo& g) { int64_t L = g.OH * g.OW; return std::max<int64_t>(1, std::min<int64_t>(g.N, (256 + L - 1) / L)); }

void conv_forward(const Geo& g, const float* x, const float* w, const float* b, float* y, int threads) {
  int64_t L = g.OH * g.OW, K = g.C * g.KH * g.KW, G = group_for(g), chunks = (g.N + G - 1) / G;
  #pragma omp parallel num_threads(threads)
  {
    std::vector<float> cols(K * G * L), out(g.O * G * L);
    #pragma omp for schedule(static)
    for (int64_t ch = 0; ch < chunks; ++ch) {
      int64_t n0 = ch * G, gs = std::min(G, g.N - n0), M = gs * L;
      im2col(g, x, n0, gs, cols.data());
      gemm_rowmajor(g.O, K, M, w, K, cols.data(), M, out.data(), M, false);
      for (int64_t s = 0; s < gs; ++s) for (int64_t o = 0; o < g.O; ++o) {
        float* yp = y + ((n0 + s) * g.O + o) * L; const float* op = out.data() + o * M + s * L; float bo = b ? b[o] : 0.f;
        for (int64_t l = 0; l < L; ++l) yp[l] = op[l] + bo; }
    }
  }
}
void conv_backward(const Geo& g, const float* x, const float* w, const float* gy, float* gx, float* gw, float* gb, int threads) {
  int64_t L = g.OH * g.OW, K = g.C * g.KH * g.KW, G = group_for(g), chunks = (g.N + G - 1) / G;
  std::vector<float> wT(K * g.O);
  for (int64_t o = 0; o < g.O; ++o) for (int64_t k = 0; k < K; ++k) wT[k * g.O + o] = w[o * K + k];
  int nt = threads;
  std::vector<float> gwAll(nt * g.O * K, 0.f), gbAll(nt * g.O, 0.f);
  if (gx) std::memset(gx, 0, sizeof(float) * g.N * g.C * g.H * g.W);
  #pragma omp parallel num_threads(threads)
  {
    int t = omp_get_thread_num();
    std::vector<float> cols(K * G * L), gcols(K * G * L), gyc(g.O * G * L);
    float* gwT = gwAll.data() + t * g.O * K; float* gbT = gbAll.data() + t * g.O;
    #pragma omp for schedule(static)
    for (int64_t ch = 0; ch < chunks; ++ch) {
      int64_t n0 = ch * G, gs = std::min(G, g.N - n0), M = gs * L;
      for (int64_t s = 0; s < gs; ++s) for (int64_t o = 0; o < g.O; ++o) std::memcpy(gyc.data() + o * M + s * L, gy + ((n0 + s) * g.O + o) * L, sizeof(float) * L);
      if (gb) for (int64_t o = 0; o < g.O; ++o) { float s = 0; for (int64_t m = 0; m < M; ++m) s += gyc[o * M + m]; gbT[o] += s; }
      im2col(g, x, n0, gs, cols.data());
      if (gw) gemm_abt(g.O, K, M, gyc.data(), M, cols.data(), M, gwT, K);
      if (gx) { gemm_rowmajor(K, g.O, M, wT.data(), g.O, gyc.data(), M, gcols.data(), M, false); col2im_add(g, gcols.data(), n0, gs, gx); }
    }
  }
  if (gw) for (int64_t i = 0; i < g.O * K; ++i) { float s = 0; for (int t = 0; t < nt; ++t) s += gwAll[t * g.O * K + i]; gw[i] = s; }
  if (gb) for (int64_t o = 0; o < g.O; ++o) { float s = 0; for (int t = 0; t < nt; ++t) s += gbAll[t * g.O + o]; gb[o] = s; }
}
