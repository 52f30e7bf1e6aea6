// Colour operations. On 8-bit images they follow Pillow (ImageEnhance blends, convert("L"), HSV)
// to the bit; on float images they follow torchvision's tensor functions.
#include "image.h"

#include <algorithm>
#include <cmath>

namespace t4j {
namespace {

// Pillow's convert("L"): ITU-R 601-2 luma in 16-bit fixed point, rounded.
inline uint8_t luma8(const uint8_t* p) {
  return static_cast<uint8_t>((p[0] * 19595 + p[1] * 38470 + p[2] * 7471 + 0x8000) >> 16);
}

// torchvision's rgb_to_grayscale on float tensors.
inline float luma(const float* p) { return 0.2989f * p[0] + 0.587f * p[1] + 0.114f * p[2]; }

// Pillow's Image.blend(degenerate, image, factor) on 8-bit samples: float arithmetic, clipping, truncation.
inline uint8_t blend8(float degenerate, float value, float factor) {
  const float t = degenerate + factor * (value - degenerate);
  if (t <= 0.0f) return 0;
  if (t >= 255.0f) return 255;
  return static_cast<uint8_t>(t);
}

// torchvision's _blend on floats: clamp to [0, 1].
inline float blend(float degenerate, float value, float factor) {
  return std::clamp(factor * value + (1.0f - factor) * degenerate, 0.0f, 1.0f);
}

}  // namespace

Image to_grayscale(const Image& in, int64_t channels) {
  Image out(in.h, in.w, channels, in.quantized);
  const int64_t pixels = in.h * in.w;
  for (int64_t i = 0; i < pixels; ++i) {
    if (in.quantized) {
      const uint8_t l = in.c == 1 ? in.bytes[i] : luma8(in.bytes.data() + i * in.c);
      for (int64_t k = 0; k < channels; ++k) out.bytes[i * channels + k] = l;
    } else {
      const float l = in.c == 1 ? in.px[i] : luma(in.px.data() + i * in.c);
      for (int64_t k = 0; k < channels; ++k) out.px[i * channels + k] = l;
    }
  }
  return out;
}

namespace {

// A blend with a constant image; on 8-bit images each of the 256 levels maps the same way: a table.
void blend_constant(Image& img, float degenerate, float factor) {
  if (!img.quantized) {
    for (float& v : img.px) v = blend(degenerate, v, factor);
    return;
  }
  uint8_t table[256];
  for (int i = 0; i < 256; ++i) table[i] = blend8(degenerate, static_cast<float>(i), factor);
  for (uint8_t& v : img.bytes) v = table[v];
}

}  // namespace

void adjust_brightness(Image& img, double factor) { blend_constant(img, 0.0f, static_cast<float>(factor)); }

void adjust_contrast(Image& img, double factor) {
  const int64_t pixels = img.h * img.w;
  double mean;
  if (img.quantized) {
    int64_t sum = 0;  // exact: Pillow's histogram mean of the luma image
    for (int64_t i = 0; i < pixels; ++i) sum += img.c == 1 ? img.bytes[i] : luma8(img.bytes.data() + i * img.c);
    // Pillow blends with a grey image of the mean luma, rounded to an integer.
    mean = std::floor(static_cast<double>(sum) / static_cast<double>(pixels) + 0.5);
  } else {
    double sum = 0.0;
    for (int64_t i = 0; i < pixels; ++i) sum += img.c == 1 ? img.px[i] : luma(img.px.data() + i * img.c);
    mean = sum / static_cast<double>(pixels);
  }
  blend_constant(img, static_cast<float>(mean), static_cast<float>(factor));
}

void adjust_saturation(Image& img, double factor) {
  if (img.c == 1) return;  // Pillow's Color enhancer leaves grey images as they are
  const float f = static_cast<float>(factor);
  const int64_t pixels = img.h * img.w;
  if (img.quantized) {
    uint8_t* p = img.bytes.data();
    for (int64_t i = 0; i < pixels; ++i, p += img.c) {
      const float l = luma8(p);
      for (int64_t k = 0; k < 3; ++k) p[k] = blend8(l, p[k], f);
    }
  } else {
    float* p = img.px.data();
    for (int64_t i = 0; i < pixels; ++i, p += img.c) {
      const float l = luma(p);
      for (int64_t k = 0; k < 3; ++k) p[k] = blend(l, p[k], f);
    }
  }
}

namespace {

// Pillow's rgb2hsv and hsv2rgb, 8 bits per component.
void rgb_to_hsv8(const uint8_t* p, int& h, int& s, int& v) {
  const int r = p[0], g = p[1], b = p[2];
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

void hsv8_to_rgb(int h, int s, int v, uint8_t* p) {
  if (s == 0) {
    p[0] = p[1] = p[2] = static_cast<uint8_t>(v);
    return;
  }
  const int i = static_cast<int>(std::floor(static_cast<float>(h) * 6.0 / 255.0));
  const float f = static_cast<float>(static_cast<float>(h) * 6.0 / 255.0 - static_cast<float>(i));
  const float fs = static_cast<float>(static_cast<float>(s) / 255.0);
  const float fv = static_cast<float>(v);
  auto c8 = [](double x) { return static_cast<uint8_t>(std::clamp(static_cast<int>(std::round(x)), 0, 255)); };
  const uint8_t uv = static_cast<uint8_t>(v);
  const uint8_t up = c8(fv * (1.0 - fs)), uq = c8(fv * (1.0 - fs * f)), ut = c8(fv * (1.0 - fs * (1.0 - f)));
  switch (i % 6) {
    case 0: p[0] = uv; p[1] = ut; p[2] = up; break;
    case 1: p[0] = uq; p[1] = uv; p[2] = up; break;
    case 2: p[0] = up; p[1] = uv; p[2] = ut; break;
    case 3: p[0] = up; p[1] = uq; p[2] = uv; break;
    case 4: p[0] = ut; p[1] = up; p[2] = uv; break;
    default: p[0] = uv; p[1] = up; p[2] = uq; break;
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
    if (img.quantized) {
      uint8_t* p = img.bytes.data() + i * img.c;
      int h, s, v;
      rgb_to_hsv8(p, h, s, v);
      hsv8_to_rgb((h + shift) & 255, s, v, p);
    } else {
      float* p = img.px.data() + i * img.c;
      float h, s, v;
      rgb_to_hsv(p, h, s, v);
      hsv_to_rgb(std::fmod(h + static_cast<float>(factor) + 1.0f, 1.0f), s, v, p);
    }
  }
}

}  // namespace t4j
