// Colour operations. On 8-bit images they follow Pillow (ImageEnhance blends, convert("L"), HSV)
// to the bit; on float images they follow torchvision's tensor functions.
#include "image.h"

#include <algorithm>
#include <cmath>

namespace t4j {
namespace {

// Pillow's convert("L"): ITU-R 601-2 luma in 16-bit fixed point, rounded.
inline float luma8(const float* p) {
  const int32_t r = static_cast<int32_t>(p[0]), g = static_cast<int32_t>(p[1]), b = static_cast<int32_t>(p[2]);
  return static_cast<float>((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
}

inline float luma(const Image& img, const float* p) {
  if (img.c == 1) return p[0];
  return img.quantized ? luma8(p) : 0.2989f * p[0] + 0.587f * p[1] + 0.114f * p[2];
}

// Pillow's Image.blend(degenerate, image, factor) on 8-bit samples: float arithmetic, truncation,
// clipping; torchvision's _blend on floats: clamp to [0, 1].
inline float blend(const Image& img, float degenerate, float value, float factor) {
  if (!img.quantized) return std::clamp(factor * value + (1.0f - factor) * degenerate, 0.0f, 1.0f);
  const float t = degenerate + factor * (value - degenerate);
  if (t <= 0.0f) return 0.0f;
  if (t >= 255.0f) return 255.0f;
  return std::trunc(t);
}

}  // namespace

Image to_grayscale(const Image& in, int64_t channels) {
  Image out(in.h, in.w, channels, in.quantized);
  const int64_t pixels = in.h * in.w;
  for (int64_t i = 0; i < pixels; ++i) {
    const float l = luma(in, in.px.data() + i * in.c);
    for (int64_t k = 0; k < channels; ++k) out.px[i * channels + k] = l;
  }
  return out;
}

namespace {

// On 8-bit images a blend with a constant maps each of the 256 levels the same way: a lookup table.
void blend_constant(Image& img, float degenerate, float factor) {
  if (!img.quantized) {
    for (float& v : img.px) v = blend(img, degenerate, v, factor);
    return;
  }
  float table[256];
  for (int i = 0; i < 256; ++i) table[i] = blend(img, degenerate, static_cast<float>(i), factor);
  for (float& v : img.px) v = table[static_cast<uint8_t>(v)];
}

}  // namespace

void adjust_brightness(Image& img, double factor) { blend_constant(img, 0.0f, static_cast<float>(factor)); }

void adjust_contrast(Image& img, double factor) {
  const int64_t pixels = img.h * img.w;
  double mean;
  if (img.quantized) {
    int64_t sum = 0;  // exact: Pillow's histogram mean of the luma image
    for (int64_t i = 0; i < pixels; ++i) sum += static_cast<int64_t>(luma(img, img.px.data() + i * img.c));
    // Pillow blends with a grey image of the mean luma, rounded to an integer.
    mean = std::floor(static_cast<double>(sum) / static_cast<double>(pixels) + 0.5);
  } else {
    double sum = 0.0;
    for (int64_t i = 0; i < pixels; ++i) sum += luma(img, img.px.data() + i * img.c);
    mean = sum / static_cast<double>(pixels);
  }
  blend_constant(img, static_cast<float>(mean), static_cast<float>(factor));
}

void adjust_saturation(Image& img, double factor) {
  if (img.c == 1) return;  // Pillow's Color enhancer leaves grey images as they are
  const float f = static_cast<float>(factor);
  const int64_t pixels = img.h * img.w;
  float* p = img.px.data();
  if (img.quantized) {
    for (int64_t i = 0; i < pixels; ++i, p += img.c) {
      const float l = luma8(p);
      for (int64_t k = 0; k < 3; ++k) {
        const float t = std::clamp(l + f * (p[k] - l), 0.0f, 255.0f);  // Pillow: truncate after clipping
        p[k] = std::trunc(t);
      }
    }
  } else {
    for (int64_t i = 0; i < pixels; ++i, p += img.c) {
      const float l = 0.2989f * p[0] + 0.587f * p[1] + 0.114f * p[2];
      for (int64_t k = 0; k < 3; ++k) p[k] = std::clamp(f * p[k] + (1.0f - f) * l, 0.0f, 1.0f);
    }
  }
}

namespace {

// Pillow's rgb2hsv and hsv2rgb, 8 bits per component.
void rgb_to_hsv8(const float* p, int& h, int& s, int& v) {
  const int r = static_cast<int>(p[0]), g = static_cast<int>(p[1]), b = static_cast<int>(p[2]);
  const int maxc = std::max(r, std::max(g, b)), minc = std::min(r, std::min(g, b));
  v = maxc;
  if (minc == maxc) {
    h = s = 0;
    return;
  }
  const float cr = static_cast<float>(maxc - minc);
  const float sf = cr / static_cast<float>(maxc);
  const float rc = static_cast<float>(maxc - r) / cr, gc = static_cast<float>(maxc - g) / cr,
              bc = static_cast<float>(maxc - b) / cr;
  float hf;  // Pillow adds the offsets in double and stores to float
  if (r == maxc) hf = bc - gc;
  else if (g == maxc) hf = static_cast<float>(2.0 + rc - bc);
  else hf = static_cast<float>(4.0 + gc - rc);
  hf = static_cast<float>(std::fmod(hf / 6.0 + 1.0, 1.0));
  h = std::clamp(static_cast<int>(hf * 255.0), 0, 255);
  s = std::clamp(static_cast<int>(sf * 255.0), 0, 255);
}

void hsv8_to_rgb(int h, int s, int v, float* p) {
  if (s == 0) {
    p[0] = p[1] = p[2] = static_cast<float>(v);
    return;
  }
  const int i = static_cast<int>(std::floor(static_cast<float>(h) * 6.0 / 255.0));
  const float f = static_cast<float>(static_cast<float>(h) * 6.0 / 255.0 - static_cast<float>(i));
  const float fs = static_cast<float>(static_cast<float>(s) / 255.0);
  const float fv = static_cast<float>(v);
  auto c8 = [](double x) { return static_cast<float>(std::clamp(static_cast<int>(std::round(x)), 0, 255)); };
  const float up = c8(fv * (1.0 - fs)), uq = c8(fv * (1.0 - fs * f)), ut = c8(fv * (1.0 - fs * (1.0 - f)));
  switch (i % 6) {
    case 0: p[0] = fv; p[1] = ut; p[2] = up; break;
    case 1: p[0] = uq; p[1] = fv; p[2] = up; break;
    case 2: p[0] = up; p[1] = fv; p[2] = ut; break;
    case 3: p[0] = up; p[1] = uq; p[2] = fv; break;
    case 4: p[0] = ut; p[1] = up; p[2] = fv; break;
    default: p[0] = fv; p[1] = up; p[2] = uq; break;
  }
}

// Float RGB <-> HSV with h, s, v in [0, 1] (torchvision's tensor _rgb2hsv / _hsv2rgb).
void rgb_to_hsv(const float* p, float& h, float& s, float& v) {
  const float maxc = std::max(p[0], std::max(p[1], p[2])), minc = std::min(p[0], std::min(p[1], p[2]));
  v = maxc;
  const float cr = maxc - minc;
  s = maxc > 0.0f ? cr / maxc : 0.0f;
  if (cr == 0.0f) {
    h = 0.0f;
    return;
  }
  const float rc = (maxc - p[0]) / cr, gc = (maxc - p[1]) / cr, bc = (maxc - p[2]) / cr;
  float hf = maxc == p[0] ? bc - gc : maxc == p[1] ? 2.0f + rc - bc : 4.0f + gc - rc;
  h = std::fmod(hf / 6.0f + 1.0f, 1.0f);
}

void hsv_to_rgb(float h, float s, float v, float* p) {
  const float h6 = h * 6.0f;
  const int i = static_cast<int>(std::floor(h6)) % 6;
  const float f = h6 - std::floor(h6);
  const float pp = std::clamp(v * (1.0f - s), 0.0f, 1.0f), q = std::clamp(v * (1.0f - s * f), 0.0f, 1.0f),
              t = std::clamp(v * (1.0f - s * (1.0f - f)), 0.0f, 1.0f);
  switch (i) {
    case 0: p[0] = v; p[1] = t; p[2] = pp; break;
    case 1: p[0] = q; p[1] = v; p[2] = pp; break;
    case 2: p[0] = pp; p[1] = v; p[2] = t; break;
    case 3: p[0] = pp; p[1] = q; p[2] = v; break;
    case 4: p[0] = t; p[1] = pp; p[2] = v; break;
    default: p[0] = v; p[1] = pp; p[2] = q; break;
  }
}

}  // namespace

void adjust_hue(Image& img, double factor) {
  if (img.c == 1) return;  // torchvision returns grey images unchanged
  const int64_t pixels = img.h * img.w;
  // torchvision (PIL): the 8-bit hue channel is shifted by uint8(factor * 255), wrapping around.
  const int shift = static_cast<int>(static_cast<uint8_t>(static_cast<int>(factor * 255.0)));
  for (int64_t i = 0; i < pixels; ++i) {
    float* p = img.px.data() + i * img.c;
    if (img.quantized) {
      int h, s, v;
      rgb_to_hsv8(p, h, s, v);
      hsv8_to_rgb((h + shift) & 255, s, v, p);
    } else {
      float h, s, v;
      rgb_to_hsv(p, h, s, v);
      hsv_to_rgb(std::fmod(h + static_cast<float>(factor) + 1.0f, 1.0f), s, v, p);
    }
  }
}

}  // namespace t4j
