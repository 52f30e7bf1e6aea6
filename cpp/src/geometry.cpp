// Resize, crop, flip and affine warps with Pillow's arithmetic, so that an 8-bit image comes out as
// torchvision + PIL would make it: the same filter supports, fixed-point rounding and pixel centres.
#include "image.h"

#include <algorithm>
#include <cmath>

namespace t4j {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kPrecisionBits = 32 - 8 - 2;  // Pillow's fixed-point precision for 8-bit resampling

// One output pixel's span of input pixels and their weights (Pillow's precompute_coeffs, bilinear).
struct Taps {
  int64_t ksize = 0;
  std::vector<int64_t> first, count;
  std::vector<double> weights;  // ksize per output pixel
  std::vector<int32_t> fixed;   // the same weights in Pillow's fixed point
};

Taps bilinear_taps(int64_t in_size, int64_t out_size) {
  Taps t;
  const double scale = static_cast<double>(in_size) / static_cast<double>(out_size);
  const double filterscale = std::max(scale, 1.0);  // antialias: widen the filter when shrinking
  const double support = 1.0 * filterscale;
  t.ksize = static_cast<int64_t>(std::ceil(support)) * 2 + 1;
  t.first.resize(out_size);
  t.count.resize(out_size);
  t.weights.assign(static_cast<size_t>(out_size * t.ksize), 0.0);
  t.fixed.assign(t.weights.size(), 0);
  for (int64_t o = 0; o < out_size; ++o) {
    const double center = (static_cast<double>(o) + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    int64_t lo = static_cast<int64_t>(center - support + 0.5);
    if (lo < 0) lo = 0;
    int64_t hi = static_cast<int64_t>(center + support + 0.5);
    if (hi > in_size) hi = in_size;
    const int64_t n = hi - lo;
    double* k = &t.weights[o * t.ksize];
    double total = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      double x = (static_cast<double>(i + lo) - center + 0.5) * ss;
      x = std::fabs(x);
      k[i] = x < 1.0 ? 1.0 - x : 0.0;
      total += k[i];
    }
    for (int64_t i = 0; i < n; ++i) {
      if (total != 0.0) k[i] /= total;
      const double f = k[i] * (1 << kPrecisionBits);
      t.fixed[o * t.ksize + i] = static_cast<int32_t>(k[i] < 0 ? -0.5 + f : 0.5 + f);
    }
    t.first[o] = lo;
    t.count[o] = n;
  }
  return t;
}

// Pillow's clip8 for an accumulator that started at half a unit: shift out the fraction, clamp to 0..255.
// (int32 cannot overflow: the weights of one output sample sum to 2^22 and samples are at most 255.)
inline uint8_t clip8(int32_t v) {
  v >>= kPrecisionBits;
  return static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
}

// The horizontal 8-bit pass for C interleaved channels (C = 0: any count, known at run time).
template <int C>
void horizontal_8bit(const Image& in, const Taps& taps, Image& out) {
  const int64_t c = C > 0 ? C : in.c;
  const int32_t half = int32_t(1) << (kPrecisionBits - 1);
  for (int64_t y = 0; y < in.h; ++y) {
    const uint8_t* src = in.bytes.data() + y * in.w * c;
    uint8_t* dst = out.bytes.data() + y * out.w * c;
    for (int64_t o = 0; o < out.w; ++o) {
      const uint8_t* s = src + taps.first[o] * c;
      const int32_t* k = &taps.fixed[o * taps.ksize];
      const int64_t n = taps.count[o];
      if (C > 0) {
        int32_t acc[C > 0 ? C : 1];
        for (int ch = 0; ch < C; ++ch) acc[ch] = half;
        for (int64_t i = 0; i < n; ++i)
          for (int ch = 0; ch < C; ++ch) acc[ch] += s[i * C + ch] * k[i];
        for (int ch = 0; ch < C; ++ch) dst[o * C + ch] = clip8(acc[ch]);
      } else {
        for (int64_t ch = 0; ch < c; ++ch) {
          int32_t acc = half;
          for (int64_t i = 0; i < n; ++i) acc += s[i * c + ch] * k[i];
          dst[o * c + ch] = clip8(acc);
        }
      }
    }
  }
}

// The vertical 8-bit pass: whole rows at a time, so the inner loops run over contiguous memory.
void vertical_8bit(const Image& in, const Taps& taps, Image& out) {
  const int64_t width = in.w * in.c;
  std::vector<int32_t> acc(static_cast<size_t>(width));
  for (int64_t o = 0; o < out.h; ++o) {
    std::fill(acc.begin(), acc.end(), int32_t(1) << (kPrecisionBits - 1));
    const int32_t* k = &taps.fixed[o * taps.ksize];
    for (int64_t i = 0; i < taps.count[o]; ++i) {
      const uint8_t* src = in.bytes.data() + (taps.first[o] + i) * width;
      const int32_t kv = k[i];
      for (int64_t j = 0; j < width; ++j) acc[j] += src[j] * kv;
    }
    uint8_t* dst = out.bytes.data() + o * width;
    for (int64_t j = 0; j < width; ++j) dst[j] = clip8(acc[j]);
  }
}

// Float images: the same filter in double, no rounding.
void horizontal_float(const Image& in, const Taps& taps, Image& out) {
  const int64_t c = in.c;
  for (int64_t y = 0; y < in.h; ++y) {
    const float* src = in.row(y);
    float* dst = out.row(y);
    for (int64_t o = 0; o < out.w; ++o) {
      const double* k = &taps.weights[o * taps.ksize];
      for (int64_t ch = 0; ch < c; ++ch) {
        const float* s = src + taps.first[o] * c + ch;
        double acc = 0.0;
        for (int64_t i = 0; i < taps.count[o]; ++i) acc += s[i * c] * k[i];
        dst[o * c + ch] = static_cast<float>(acc);
      }
    }
  }
}

void vertical_float(const Image& in, const Taps& taps, Image& out) {
  const int64_t width = in.w * in.c;
  std::vector<double> acc(static_cast<size_t>(width));
  for (int64_t o = 0; o < out.h; ++o) {
    std::fill(acc.begin(), acc.end(), 0.0);
    const double* k = &taps.weights[o * taps.ksize];
    for (int64_t i = 0; i < taps.count[o]; ++i) {
      const float* src = in.row(taps.first[o] + i);
      for (int64_t j = 0; j < width; ++j) acc[j] += src[j] * k[i];
    }
    float* dst = out.row(o);
    for (int64_t j = 0; j < width; ++j) dst[j] = static_cast<float>(acc[j]);
  }
}

// Resamples along one axis; 8-bit images in Pillow's fixed point, float images in double.
Image resample_axis(const Image& in, bool horizontal, int64_t out_len) {
  const Taps taps = bilinear_taps(horizontal ? in.w : in.h, out_len);
  Image out(horizontal ? in.h : out_len, horizontal ? out_len : in.w, in.c, in.quantized);
  if (!in.quantized) {
    if (horizontal) horizontal_float(in, taps, out);
    else vertical_float(in, taps, out);
  } else if (!horizontal) {
    vertical_8bit(in, taps, out);
  } else if (in.c == 3) {
    horizontal_8bit<3>(in, taps, out);
  } else if (in.c == 1) {
    horizontal_8bit<1>(in, taps, out);
  } else {
    horizontal_8bit<0>(in, taps, out);
  }
  return out;
}

template <class T>
void crop_samples(const Image& in, int64_t top, int64_t left, Image& out) {
  const int64_t c = in.c;
  const T* src = samples<T>(in);
  T* dst = samples<T>(out);
  std::fill(dst, dst + out.h * out.w * c, T(0));
  const int64_t x0 = std::max<int64_t>(0, -left), x1 = std::min<int64_t>(out.w, in.w - left);
  if (x0 >= x1) return;
  for (int64_t y = 0; y < out.h; ++y) {
    const int64_t sy = top + y;
    if (sy < 0 || sy >= in.h) continue;
    const T* row = src + (sy * in.w + left) * c;
    std::copy(row + x0 * c, row + x1 * c, dst + (y * out.w + x0) * c);
  }
}

template <class T>
void hflip_samples(const Image& in, Image& out) {
  const int64_t c = in.c, w = in.w;
  const T* src = samples<T>(in);
  T* dst = samples<T>(out);
  for (int64_t y = 0; y < in.h; ++y) {
    const T* s = src + y * w * c;
    T* d = dst + y * w * c;
    for (int64_t x = 0; x < w; ++x)
      for (int64_t ch = 0; ch < c; ++ch) d[x * c + ch] = s[(w - 1 - x) * c + ch];
  }
}

template <class T>
void affine_samples(const Image& in, const double a[6], const std::vector<float>& fill, Image& out) {
  const int64_t c = in.c;
  const T* src = samples<T>(in);
  T* dst = samples<T>(out);
  std::vector<T> f(static_cast<size_t>(c));
  for (int64_t ch = 0; ch < c; ++ch) {
    const float v = fill[static_cast<size_t>(ch)];
    // Pillow takes an 8-bit image's fill as integers (truncated), clipped to the sample range
    f[static_cast<size_t>(ch)] = in.quantized ? static_cast<T>(std::clamp(std::trunc(v), 0.0f, 255.0f)) : static_cast<T>(v);
  }
  // A map whose steps exceed 1e7 pixels (a scale near 0, a huge shear) samples nothing inside the image but by
  // chance; the fill is its answer, and the 16.16 fixed-point sums below cannot overflow.
  for (int k = 0; k < 6; ++k) {
    if (!(std::fabs(a[k]) <= 1e7)) {
      for (int64_t i = 0; i < out.h * out.w; ++i)
        for (int64_t ch = 0; ch < c; ++ch) dst[i * c + ch] = f[static_cast<size_t>(ch)];
      return;
    }
  }
  // Pillow's affine_fixed: 16.16 fixed point from the pixel centre, arithmetic shift = floor.
  auto fix = [](double v) {
    const double s = v * 65536.0 + 0.5;
    return static_cast<int64_t>(std::floor(s));
  };
  const int64_t a0 = fix(a[0]), a1 = fix(a[1]), a3 = fix(a[3]), a4 = fix(a[4]);
  int64_t row_x = fix(a[2] + a[0] * 0.5 + a[1] * 0.5);
  int64_t row_y = fix(a[5] + a[3] * 0.5 + a[4] * 0.5);
  for (int64_t y = 0; y < out.h; ++y, row_x += a1, row_y += a4) {
    int64_t xx = row_x, yy = row_y;
    T* d = dst + y * out.w * c;
    for (int64_t x = 0; x < out.w; ++x, xx += a0, yy += a3) {
      const int64_t sx = xx >> 16, sy = yy >> 16;
      const T* s = (sx < 0 || sx >= in.w || sy < 0 || sy >= in.h) ? f.data() : src + (sy * in.w + sx) * c;
      for (int64_t ch = 0; ch < c; ++ch) d[x * c + ch] = s[ch];
    }
  }
}

}  // namespace

Image resize_bilinear(const Image& in, int64_t out_h, int64_t out_w) {
  // Pillow: horizontal pass first, each pass only when that size changes, 8-bit rounding in between.
  if (out_w == in.w && out_h == in.h) return in;
  if (out_w == in.w) return resample_axis(in, false, out_h);
  Image horizontal = resample_axis(in, true, out_w);
  if (out_h == in.h) return horizontal;
  return resample_axis(horizontal, false, out_h);
}

Image crop(const Image& in, int64_t top, int64_t left, int64_t h, int64_t w) {
  Image out(h, w, in.c, in.quantized);
  if (in.quantized) crop_samples<uint8_t>(in, top, left, out);
  else crop_samples<float>(in, top, left, out);
  return out;
}

Image hflip(const Image& in) {
  Image out(in.h, in.w, in.c, in.quantized);
  if (in.quantized) hflip_samples<uint8_t>(in, out);
  else hflip_samples<float>(in, out);
  return out;
}

Image affine_nearest(const Image& in, const double a[6], const std::vector<float>& fill) {
  Image out(in.h, in.w, in.c, in.quantized);
  if (in.quantized) affine_samples<uint8_t>(in, a, fill, out);
  else affine_samples<float>(in, a, fill, out);
  return out;
}

void rotation_inverse(double angle_degrees, double cx, double cy, double m[6]) {
  // Pillow's Image.rotate: the matrix is rounded to 15 decimals, then centred.
  auto r15 = [](double v) { return std::nearbyint(v * 1e15) / 1e15; };
  const double a = -angle_degrees * kPi / 180.0;
  m[0] = r15(std::cos(a));
  m[1] = r15(std::sin(a));
  m[3] = r15(-std::sin(a));
  m[4] = r15(std::cos(a));
  m[2] = m[0] * -cx + m[1] * -cy + cx;
  m[5] = m[3] * -cx + m[4] * -cy + cy;
}

void affine_inverse(double cx, double cy, double angle, double tx, double ty, double scale, double shear_x,
                    double shear_y, double m[6]) {
  // torchvision's _get_inverse_affine_matrix: rotation-scale-shear about the centre, then translation.
  const double rot = angle * kPi / 180.0, sx = shear_x * kPi / 180.0, sy = shear_y * kPi / 180.0;
  const double a = std::cos(rot - sy) / std::cos(sy);
  const double b = -std::cos(rot - sy) * std::tan(sx) / std::cos(sy) - std::sin(rot);
  const double c = std::sin(rot - sy) / std::cos(sy);
  const double d = -std::sin(rot - sy) * std::tan(sx) / std::cos(sy) + std::cos(rot);
  m[0] = d / scale;
  m[1] = -b / scale;
  m[2] = 0.0;
  m[3] = -c / scale;
  m[4] = a / scale;
  m[5] = 0.0;
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
  m[2] += cx;
  m[5] += cy;
}

}  // namespace t4j
