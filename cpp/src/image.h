// Internal to the shim: an image being transformed, and the random source of one sample.
#ifndef TORCH4J_IMAGE_H
#define TORCH4J_IMAGE_H

#include <cstdint>
#include <string>
#include <vector>

namespace t4j {

// Pixels are stored HWC. While `quantized`, they are the bytes of an 8-bit image and every operation
// rounds exactly as Pillow does on 8-bit images (so results match torchvision + PIL); after ToTensor (or
// for float tensor input) they are floats in [0, 1] and nothing is rounded. Only one vector is in use.
struct Image {
  int64_t h = 0, w = 0, c = 0;
  bool quantized = true;
  std::vector<uint8_t> bytes;  // while quantized
  std::vector<float> px;       // otherwise

  Image() = default;
  Image(int64_t h_, int64_t w_, int64_t c_, bool q) : h(h_), w(w_), c(c_), quantized(q) {
    if (q) bytes.resize(static_cast<size_t>(h_ * w_ * c_));
    else px.resize(static_cast<size_t>(h_ * w_ * c_));
  }
  float* row(int64_t y) { return px.data() + y * w * c; }
  const float* row(int64_t y) const { return px.data() + y * w * c; }
};

// The samples of an image as the type they are stored in: uint8_t while quantized, else float.
template <class T> T* samples(Image& img);
template <> inline uint8_t* samples<uint8_t>(Image& img) { return img.bytes.data(); }
template <> inline float* samples<float>(Image& img) { return img.px.data(); }
template <class T> const T* samples(const Image& img) { return samples<T>(const_cast<Image&>(img)); }

// splitmix64: small, fast, and the same stream on every platform for the same seed.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(next() >> 11) * 0x1.0p-53); }
  // An integer in [lo, hi), as torch.randint.
  int64_t randint(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo)); }

 private:
  uint64_t state_;
};

// Decoding (decode.cpp). want_h/want_w > 0 allow the JPEG decoder to scale down in the DCT domain
// to the smallest size that still covers them; full_h/full_w receive the size the file declares.
// Returns false with `error` set on failure.
bool read_image_info(const std::string& path, int64_t& h, int64_t& w, int64_t& c, std::string& error);
bool decode_image_file(const std::string& path, int64_t want_h, int64_t want_w, Image& out, int64_t& full_h,
                       int64_t& full_w, std::string& error);
bool decode_image_bytes(const uint8_t* data, size_t size, int64_t want_h, int64_t want_w, Image& out,
                        int64_t& full_h, int64_t& full_w, std::string& error);

// Geometry (geometry.cpp), Pillow's arithmetic.
Image resize_bilinear(const Image& in, int64_t out_h, int64_t out_w);
Image crop(const Image& in, int64_t top, int64_t left, int64_t h, int64_t w);  // zero outside the image
Image hflip(const Image& in);
// Nearest-neighbour affine warp: out(x, y) = in(inverse * (x + .5, y + .5)); `inverse` as Pillow's 6 values.
Image affine_nearest(const Image& in, const double inverse[6], const std::vector<float>& fill);
void rotation_inverse(double angle_degrees, double cx, double cy, double out[6]);
void affine_inverse(double cx, double cy, double angle, double tx, double ty, double scale, double shear_x,
                    double shear_y, double out[6]);

// Colour (color.cpp), Pillow's ImageEnhance and conversions.
Image to_grayscale(const Image& in, int64_t channels);
void adjust_brightness(Image& img, double factor);
void adjust_contrast(Image& img, double factor);
void adjust_saturation(Image& img, double factor);
void adjust_hue(Image& img, double factor);

}  // namespace t4j

#endif
