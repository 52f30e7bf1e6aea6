// The image pipeline: a program of transforms run per sample (decode, augment, ToTensor, Normalize),
// written straight into the batch tensor's memory, samples spread over worker threads.
#include "image.h"
#include "torch4j/shim.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <thread>

namespace t4j {
namespace {

struct Step {
  int op;
  std::vector<double> a;
};

struct Program {
  std::vector<Step> steps;
};

constexpr double kMaxArgument = 1e9;
constexpr int64_t kMaxSide = int64_t(1) << 16;     // an output side, in pixels
constexpr int64_t kMaxPixels = int64_t(1) << 27;   // as the decoder's limit

bool whole_in(double v, double lo, double hi) { return v >= lo && v <= hi && v == std::floor(v); }

std::string number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

size_t expected_args(int op, const double* args, int64_t available) {
  switch (op) {
    case T4J_OP_RESIZE: return 2;
    case T4J_OP_CENTER_CROP: return 2;
    case T4J_OP_RANDOM_RESIZED_CROP: return 6;
    case T4J_OP_RANDOM_ROTATION: return 5;
    case T4J_OP_RANDOM_AFFINE: return 13;
    case T4J_OP_RANDOM_HFLIP: return 1;
    case T4J_OP_COLOR_JITTER: return 8;
    case T4J_OP_GRAYSCALE: return 1;
    case T4J_OP_TO_TENSOR: return 0;
    // c, c means, c stds: at least 3 even when the count is missing or not a whole number in [1, 16]
    case T4J_OP_NORMALIZE: return available > 0 && whole_in(args[0], 1, 16) ? 1 + 2 * static_cast<size_t>(args[0]) : 3;
    case T4J_OP_CROP: return 4;
    case T4J_OP_HFLIP: return 0;
    case T4J_OP_ROTATE: return 4;
    case T4J_OP_AFFINE: return 9;
    case T4J_OP_ADJUST: return 2;
    default: return SIZE_MAX;
  }
}

bool parse(const double* code, int64_t length, Program& prog, std::string& error) {
  if (!code && length > 0) {
    error = "null program";
    return false;
  }
  int64_t pc = 0;
  while (pc < length) {
    if (pc + 2 > length) {
      error = "program ends inside a step header at " + std::to_string(pc);
      return false;
    }
    // a whole, small opcode and count before any cast (a NaN or 1e300 cast to an integer is undefined)
    if (!whole_in(code[pc], 0, 1 << 10) || !whole_in(code[pc + 1], 0, 1 << 12)) {
      error = "step " + std::to_string(prog.steps.size()) + " at " + std::to_string(pc) +
              ": the opcode and the argument count must be small whole numbers, got " + number(code[pc]) + " and " +
              number(code[pc + 1]);
      return false;
    }
    const int op = static_cast<int>(code[pc]);
    const int64_t nargs = static_cast<int64_t>(code[pc + 1]);
    const size_t want = expected_args(op, code + pc + 2, length - pc - 2);
    if (want == SIZE_MAX) {
      error = "unknown step opcode " + std::to_string(op) + " at " + std::to_string(pc);
      return false;
    }
    if (nargs < 0 || static_cast<size_t>(nargs) != want || pc + 2 + nargs > length) {
      error = "step " + std::to_string(prog.steps.size()) + " (opcode " + std::to_string(op) + ") has " +
              std::to_string(nargs) + " arguments, expected " + std::to_string(want);
      return false;
    }
    for (int64_t k = 0; k < nargs; ++k) {
      const double v = code[pc + 2 + k];
      if (std::isnan(v) && op == T4J_OP_COLOR_JITTER) continue;  // NaN: that adjustment is off
      if (!(std::fabs(v) <= kMaxArgument)) {
        error = "step " + std::to_string(prog.steps.size()) + " (opcode " + std::to_string(op) + ") argument " + std::to_string(k) +
                " is " + number(v) + ": arguments must be finite numbers within +-1e9";
        return false;
      }
    }
    prog.steps.push_back({op, std::vector<double>(code + pc + 2, code + pc + 2 + nargs)});
    pc += 2 + nargs;
  }
  return true;
}

// torchvision's Resize(int): the shorter side becomes `size`, the longer keeps the aspect (truncated).
void shorter_side(int64_t size, int64_t h, int64_t w, int64_t& oh, int64_t& ow) {
  if (w <= h) {
    ow = size;
    oh = static_cast<int64_t>(static_cast<double>(size) * static_cast<double>(h) / static_cast<double>(w));
  } else {
    oh = size;
    ow = static_cast<int64_t>(static_cast<double>(size) * static_cast<double>(w) / static_cast<double>(h));
  }
}

// Python's round(): halves to even. Out-of-range values (only from degenerate draws) saturate instead of being undefined.
int64_t round_half_even(double v) {
  if (std::isnan(v)) return 0;
  if (!(std::fabs(v) < 4e18)) return v > 0 ? INT64_C(4000000000000000000) : -INT64_C(4000000000000000000);
  return static_cast<int64_t>(std::nearbyint(v));
}

std::vector<float> fill_of(const std::vector<double>& a, size_t first, int64_t c) {
  std::vector<float> fill(static_cast<size_t>(c));
  for (int64_t k = 0; k < c; ++k) fill[static_cast<size_t>(k)] = static_cast<float>(a[first + static_cast<size_t>(std::min<int64_t>(k, 2))]);
  return fill;
}

struct Shape {
  int64_t c, h, w;
  bool quantized;
};

// Shapes only: the same rules as run(), without pixels.
bool propagate(const Program& prog, Shape& s, std::string& error) {
  for (size_t i = 0; i < prog.steps.size(); ++i) {
    const Step& st = prog.steps[i];
    const auto& a = st.a;
    switch (st.op) {
      case T4J_OP_RESIZE:
        if (!whole_in(a[0], 1, kMaxSide) || !whole_in(a[1], 0, kMaxSide)) {
          error = "Resize sizes must be whole numbers in [1, 65536] (width 0: the shorter side, aspect kept), got " + number(a[0]) + " x " + number(a[1]);
          return false;
        }
        if (a[1] == 0) shorter_side(static_cast<int64_t>(a[0]), s.h, s.w, s.h, s.w);
        else { s.h = static_cast<int64_t>(a[0]); s.w = static_cast<int64_t>(a[1]); }
        break;
      case T4J_OP_CENTER_CROP:
      case T4J_OP_RANDOM_RESIZED_CROP:
        if (st.op == T4J_OP_RANDOM_RESIZED_CROP &&
            !(a[2] > 0 && a[3] >= a[2] && a[5] >= a[4] && std::fabs(a[4]) <= 20 && std::fabs(a[5]) <= 20)) {
          error = "RandomResizedCrop needs a scale range 0 < lo <= hi and a log-ratio range lo <= hi within +-20";
          return false;
        }
        if (!whole_in(a[0], 1, kMaxSide) || !whole_in(a[1], 1, kMaxSide)) {
          error = "crop sizes must be whole numbers in [1, 65536], got " + number(a[0]) + " x " + number(a[1]);
          return false;
        }
        s.h = static_cast<int64_t>(a[0]);
        s.w = static_cast<int64_t>(a[1]);
        break;
      case T4J_OP_CROP:
        if (!whole_in(a[2], 1, kMaxSide) || !whole_in(a[3], 1, kMaxSide) || !whole_in(a[0], -kMaxArgument, kMaxArgument) ||
            !whole_in(a[1], -kMaxArgument, kMaxArgument)) {
          error = "Crop needs whole numbers: sizes in [1, 65536], got " + number(a[2]) + " x " + number(a[3]) + " at " + number(a[0]) + ", " + number(a[1]);
          return false;
        }
        s.h = static_cast<int64_t>(a[2]);
        s.w = static_cast<int64_t>(a[3]);
        break;
      case T4J_OP_GRAYSCALE:
        if (a[0] != 1 && a[0] != 3) { error = "Grayscale makes 1 or 3 channels"; return false; }
        if (s.c != 3 && s.c != 1) { error = "Grayscale needs 1 or 3 channels, got " + std::to_string(s.c); return false; }
        s.c = static_cast<int64_t>(a[0]);
        break;
      case T4J_OP_COLOR_JITTER:
      case T4J_OP_ADJUST:
        if (s.c != 3 && s.c != 1) { error = "colour adjustments need 1 or 3 channels, got " + std::to_string(s.c); return false; }
        break;
      case T4J_OP_TO_TENSOR:
        s.quantized = false;
        break;
      case T4J_OP_NORMALIZE:
        if (s.quantized) { error = "Normalize needs ToTensor before it (the image is still 8-bit)"; return false; }
        if (!whole_in(a[0], 1, 16) || a.size() != 1 + 2 * static_cast<size_t>(a[0])) {
          error = "Normalize needs a whole channel count in [1, 16], then one mean and one std per channel";
          return false;
        }
        if (static_cast<int64_t>(a[0]) != s.c) {
          error = "Normalize has " + std::to_string(static_cast<int64_t>(a[0])) + " means for an image of " + std::to_string(s.c) + " channels";
          return false;
        }
        for (int64_t k = 0; k < s.c; ++k)
          if (a[1 + s.c + k] == 0) { error = "Normalize std is zero for channel " + std::to_string(k); return false; }
        break;
      case T4J_OP_AFFINE:
        if (!(a[3] > 0)) { error = "Affine scale must be > 0"; return false; }
        break;
      case T4J_OP_RANDOM_AFFINE:
        if (!(a[4] > 0 && a[5] >= a[4])) { error = "RandomAffine scale range must be > 0 and ordered"; return false; }
        break;
      default:
        break;
    }
    if (s.h * s.w > kMaxPixels) {
      error = "step " + std::to_string(i) + " makes a " + std::to_string(s.h) + " x " + std::to_string(s.w) + " image, more than 2^27 pixels";
      return false;
    }
  }
  if (s.quantized) {
    error = "the pipeline must convert to a tensor (ToTensor) before its output is batched";
    return false;
  }
  return true;
}

void adjust(Image& img, int which, double factor) {
  switch (which) {
    case 0: adjust_brightness(img, factor); break;
    case 1: adjust_contrast(img, factor); break;
    case 2: adjust_saturation(img, factor); break;
    default: adjust_hue(img, factor); break;
  }
}

// torchvision's RandomResizedCrop.get_params: ten tries at a random area and aspect, then the centre.
void resized_crop_params(int64_t img_h, int64_t img_w, const std::vector<double>& a, Rng& rng, int64_t& top,
                         int64_t& left, int64_t& ch, int64_t& cw) {
  struct { int64_t h, w; } img{img_h, img_w};
  const double area = static_cast<double>(img.h * img.w);
  for (int attempt = 0; attempt < 10; ++attempt) {
    const double target = area * rng.uniform(a[2], a[3]);
    const double aspect = std::exp(rng.uniform(a[4], a[5]));
    const int64_t w = round_half_even(std::sqrt(target * aspect));
    const int64_t h = round_half_even(std::sqrt(target / aspect));
    if (0 < w && w <= img.w && 0 < h && h <= img.h) {
      top = rng.randint(0, img.h - h + 1);
      left = rng.randint(0, img.w - w + 1);
      ch = h;
      cw = w;
      return;
    }
  }
  const double in_ratio = static_cast<double>(img.w) / static_cast<double>(img.h);
  const double rmin = std::exp(a[4]), rmax = std::exp(a[5]);
  if (in_ratio < rmin) {
    cw = img.w;
    ch = round_half_even(static_cast<double>(cw) / rmin);
  } else if (in_ratio > rmax) {
    ch = img.h;
    cw = round_half_even(static_cast<double>(ch) * rmax);
  } else {
    cw = img.w;
    ch = img.h;
  }
  // a ratio range far from the image's own can round a side to 0 (torchvision then fails in its resize): keep one pixel
  ch = std::clamp<int64_t>(ch, 1, img.h);
  cw = std::clamp<int64_t>(cw, 1, img.w);
  top = (img.h - ch) / 2;
  left = (img.w - cw) / 2;
}

// torchvision's RandomAffine.get_params, in its order of draws: angle, tx, ty (pixels), scale, shear x, shear y.
void affine_params(int64_t img_h, int64_t img_w, const std::vector<double>& a, Rng& rng, double out[6]) {
  out[0] = rng.uniform(a[0], a[1]);
  const double max_dx = a[2] * static_cast<double>(img_w), max_dy = a[3] * static_cast<double>(img_h);
  out[1] = max_dx > 0 ? static_cast<double>(round_half_even(rng.uniform(-max_dx, max_dx))) : 0.0;
  out[2] = max_dy > 0 ? static_cast<double>(round_half_even(rng.uniform(-max_dy, max_dy))) : 0.0;
  out[3] = a[4] == a[5] ? a[4] : rng.uniform(a[4], a[5]);
  out[4] = a[6] == a[7] ? a[6] : rng.uniform(a[6], a[7]);
  out[5] = a[8] == a[9] ? a[8] : rng.uniform(a[8], a[9]);
}

// torchvision's ColorJitter.get_params: a random order of the four adjustments, then a factor for each one
// that is on (NaN for those that are off).
void jitter_params(const std::vector<double>& a, Rng& rng, int order[4], double factor[4]) {
  for (int k = 0; k < 4; ++k) order[k] = k;
  for (int i = 3; i > 0; --i) std::swap(order[i], order[rng.randint(0, i + 1)]);
  for (int k = 0; k < 4; ++k) factor[k] = std::isnan(a[2 * k]) ? NAN : rng.uniform(a[2 * k], a[2 * k + 1]);
}

Image center_crop(const Image& img, int64_t ch, int64_t cw) {
  // torchvision pads a too-small image with zeros first ((diff) // 2 before), then rounds half to even.
  const int64_t pad_top = ch > img.h ? (ch - img.h) / 2 : 0, pad_left = cw > img.w ? (cw - img.w) / 2 : 0;
  const int64_t ph = std::max(img.h, ch), pw = std::max(img.w, cw);
  const int64_t top = round_half_even(static_cast<double>(ph - ch) / 2.0) - pad_top;
  const int64_t left = round_half_even(static_cast<double>(pw - cw) / 2.0) - pad_left;
  return crop(img, top, left, ch, cw);
}

// Runs steps [first, last) on one image; false (with `error`) when a step does not fit the image.
bool apply(const Program& prog, Image& img, Rng& rng, size_t first, size_t last, std::string& error) {
  for (size_t i = first; i < last; ++i) {
    const Step& st = prog.steps[i];
    const auto& a = st.a;
    switch (st.op) {
      case T4J_OP_RESIZE: {
        int64_t oh = static_cast<int64_t>(a[0]), ow = static_cast<int64_t>(a[1]);
        if (ow == 0) shorter_side(oh, img.h, img.w, oh, ow);
        img = resize_bilinear(img, oh, ow);
        break;
      }
      case T4J_OP_CENTER_CROP:
        img = center_crop(img, static_cast<int64_t>(a[0]), static_cast<int64_t>(a[1]));
        break;
      case T4J_OP_CROP:
        img = crop(img, static_cast<int64_t>(a[0]), static_cast<int64_t>(a[1]), static_cast<int64_t>(a[2]),
                   static_cast<int64_t>(a[3]));
        break;
      case T4J_OP_RANDOM_RESIZED_CROP: {
        int64_t top, left, ch, cw;
        resized_crop_params(img.h, img.w, a, rng, top, left, ch, cw);
        img = resize_bilinear(crop(img, top, left, ch, cw), static_cast<int64_t>(a[0]), static_cast<int64_t>(a[1]));
        break;
      }
      case T4J_OP_RANDOM_ROTATION:
      case T4J_OP_ROTATE: {
        const double angle = st.op == T4J_OP_ROTATE ? a[0] : rng.uniform(a[0], a[1]);
        double m[6];
        rotation_inverse(angle, static_cast<double>(img.w) / 2.0, static_cast<double>(img.h) / 2.0, m);
        img = affine_nearest(img, m, fill_of(a, st.op == T4J_OP_ROTATE ? 1 : 2, img.c));
        break;
      }
      case T4J_OP_RANDOM_AFFINE:
      case T4J_OP_AFFINE: {
        double angle, tx, ty, scale, shx, shy;
        size_t fill_at;
        if (st.op == T4J_OP_AFFINE) {
          angle = a[0]; tx = a[1]; ty = a[2]; scale = a[3]; shx = a[4]; shy = a[5];
          fill_at = 6;
        } else {
          double d[6];
          affine_params(img.h, img.w, a, rng, d);
          angle = d[0]; tx = d[1]; ty = d[2]; scale = d[3]; shx = d[4]; shy = d[5];
          fill_at = 10;
        }
        double m[6];
        affine_inverse(static_cast<double>(img.w) * 0.5, static_cast<double>(img.h) * 0.5, angle, tx, ty, scale,
                       shx, shy, m);
        img = affine_nearest(img, m, fill_of(a, fill_at, img.c));
        break;
      }
      case T4J_OP_RANDOM_HFLIP:
        if (rng.uniform(0.0, 1.0) < a[0]) img = hflip(img);
        break;
      case T4J_OP_HFLIP:
        img = hflip(img);
        break;
      case T4J_OP_COLOR_JITTER: {
        int order[4];
        double factor[4];
        jitter_params(a, rng, order, factor);
        for (int k : order)
          if (!std::isnan(factor[k])) adjust(img, k, factor[k]);
        break;
      }
      case T4J_OP_ADJUST:
        adjust(img, static_cast<int>(a[0]), a[1]);
        break;
      case T4J_OP_GRAYSCALE:
        img = to_grayscale(img, static_cast<int64_t>(a[0]));
        break;
      case T4J_OP_TO_TENSOR:
        if (img.quantized) {
          img.px.resize(img.bytes.size());
          for (size_t k = 0; k < img.bytes.size(); ++k) img.px[k] = static_cast<float>(img.bytes[k]) / 255.0f;
          img.bytes = std::vector<uint8_t>();
          img.quantized = false;
        }
        break;
      case T4J_OP_NORMALIZE: {
        const int64_t c = img.c, pixels = img.h * img.w;
        if (img.quantized || static_cast<int64_t>(a[0]) != c) {
          error = img.quantized ? "Normalize needs ToTensor before it (the image is still 8-bit)"
                                : "Normalize has " + std::to_string(static_cast<int64_t>(a[0])) + " means for an image of " + std::to_string(c) + " channels";
          return false;
        }
        for (int64_t k = 0; k < c; ++k) {
          const float m = static_cast<float>(a[1 + k]), s = static_cast<float>(a[1 + c + k]);
          for (int64_t i = 0; i < pixels; ++i) img.px[i * c + k] = (img.px[i * c + k] - m) / s;
        }
        break;
      }
      default:
        break;
    }
  }
  return true;
}

void write_message(char* errors, int64_t error_size, int64_t index, const std::string& message) {
  if (!errors || error_size <= 0) return;
  char* dst = errors + index * error_size;
  std::snprintf(dst, static_cast<size_t>(error_size), "%s", message.c_str());
}

// Runs `one(i)` for i in [0, n) on up to `threads` workers (all cores when threads <= 0).
template <typename F>
void parallel_for(int64_t n, int threads, F one) {
  int64_t workers = threads > 0 ? threads : static_cast<int64_t>(std::max(1u, std::thread::hardware_concurrency()));
  workers = std::max<int64_t>(1, std::min(workers, n));
  std::atomic<int64_t> next{0};
  auto work = [&]() {
    for (int64_t i = next++; i < n; i = next++) one(i);
  };
  std::vector<std::thread> pool;
  for (int64_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
}

// The trailing ToTensor and Normalize of a program, folded into the copy to the batch: one pass instead
// of three, with the same float operations in the same order (so the same bits).
struct Output {
  size_t steps = 0;        // how many steps of the program this replaces
  bool to_tensor = false;  // divide by 255 first
  std::vector<float> mean, std;
};

Output fold_output(const Program& prog) {
  Output out;
  const size_t n = prog.steps.size();
  size_t at = n;
  if (at > 0 && prog.steps[at - 1].op == T4J_OP_NORMALIZE) --at;
  if (at > 0 && prog.steps[at - 1].op == T4J_OP_TO_TENSOR) --at;
  out.steps = n - at;
  for (size_t i = at; i < n; ++i) {
    const auto& a = prog.steps[i].a;
    if (prog.steps[i].op == T4J_OP_TO_TENSOR) {
      out.to_tensor = true;
    } else {
      const size_t c = static_cast<size_t>(a[0]);
      for (size_t k = 0; k < c; ++k) {
        out.mean.push_back(static_cast<float>(a[1 + k]));
        out.std.push_back(static_cast<float>(a[1 + c + k]));
      }
    }
  }
  return out;
}

// One channel of an HWC image (every `c`-th sample) into every `step`-th float of out (1: a CHW plane; c: the same
// channel of an HWC image), as ToTensor then Normalize would.
template <class T>
void copy_channel(const T* in, int64_t c, int64_t plane, bool scale, bool normalize, float m, float s, float* out, int64_t step) {
  if (scale && normalize) {
    for (int64_t i = 0; i < plane; ++i) out[i * step] = (static_cast<float>(in[i * c]) / 255.0f - m) / s;
  } else if (scale) {
    for (int64_t i = 0; i < plane; ++i) out[i * step] = static_cast<float>(in[i * c]) / 255.0f;
  } else if (normalize) {
    for (int64_t i = 0; i < plane; ++i) out[i * step] = (static_cast<float>(in[i * c]) - m) / s;
  } else {
    for (int64_t i = 0; i < plane; ++i) out[i * step] = static_cast<float>(in[i * c]);
  }
}

// Sample i's output, checked against the batch shape, mapped by `o` and copied into dst as CHW planes
// (T4J_LAYOUT_NCHW) or HWC pixels (T4J_LAYOUT_NHWC).
int store(const Image& img, const Output& o, float* dst, int layout, int64_t c, int64_t h, int64_t w, std::string& error) {
  if (img.c != c || img.h != h || img.w != w) {
    error = "produces " + std::to_string(img.c) + "x" + std::to_string(img.h) + "x" + std::to_string(img.w) +
            " but the batch is " + std::to_string(c) + "x" + std::to_string(h) + "x" + std::to_string(w) +
            " (add a Resize to a fixed size, or a crop)";
    return T4J_STATUS_SHAPE;
  }
  if (!o.mean.empty() && static_cast<int64_t>(o.mean.size()) != c) {
    error = "Normalize has " + std::to_string(o.mean.size()) + " means for an image of " + std::to_string(c) + " channels";
    return T4J_STATUS_SHAPE;
  }
  if (img.quantized && !o.to_tensor) {
    error = "the pipeline must convert to a tensor (ToTensor) before its output is batched";
    return T4J_STATUS_SHAPE;
  }
  const bool scale = o.to_tensor && img.quantized;
  const bool normalize = !o.mean.empty();
  const int64_t plane = h * w;
  const bool planar = layout == T4J_LAYOUT_NCHW;
  for (int64_t k = 0; k < c; ++k) {
    const float m = normalize ? o.mean[static_cast<size_t>(k)] : 0.0f, s = normalize ? o.std[static_cast<size_t>(k)] : 1.0f;
    float* out = planar ? dst + k * plane : dst + k;
    const int64_t step = planar ? 1 : c;
    if (img.quantized) copy_channel(img.bytes.data() + k, c, plane, scale, normalize, m, s, out, step);
    else copy_channel(img.px.data() + k, c, plane, scale, normalize, m, s, out, step);
  }
  return T4J_OK;
}

// The size a JPEG may be scaled down to in the DCT domain: what the first step, a Resize, needs.
void decode_hint(const Program& prog, int64_t& want_h, int64_t& want_w) {
  want_h = want_w = 0;
  if (prog.steps.empty() || prog.steps[0].op != T4J_OP_RESIZE) return;
  const auto& a = prog.steps[0].a;
  want_h = static_cast<int64_t>(a[0]);
  want_w = a[1] == 0 ? want_h : static_cast<int64_t>(a[1]);
}

}  // namespace
}  // namespace t4j

using namespace t4j;

int t4j_pipeline_check(const double* program, int64_t length, char* error, int64_t error_size) {
  Program prog;
  std::string message;
  if (!parse(program, length, prog, message)) {
    write_message(error, error_size, 0, message);
    return T4J_BAD_ARGUMENT;
  }
  return T4J_OK;
}

int t4j_pipeline_output_shape(const double* program, int64_t length, int64_t in_h, int64_t in_w, int64_t in_c,
                              int quantized, int64_t* out_chw, char* error, int64_t error_size) {
  Program prog;
  std::string message;
  Shape s{in_c, in_h, in_w, quantized != 0};
  if (in_h <= 0 || in_w <= 0 || in_c <= 0 || !out_chw) message = "input sizes must be positive";
  if (!message.empty() || !parse(program, length, prog, message) || !propagate(prog, s, message)) {
    write_message(error, error_size, 0, message);
    return T4J_BAD_ARGUMENT;
  }
  out_chw[0] = s.c;
  out_chw[1] = s.h;
  out_chw[2] = s.w;
  return T4J_OK;
}

int t4j_pipeline_draw(const double* program, int64_t length, int64_t h, int64_t w, int64_t seed, double* out,
                      int64_t* count, char* error, int64_t error_size) {
  Program prog;
  std::string message;
  if (!out || !count || h <= 0 || w <= 0) return T4J_BAD_ARGUMENT;
  if (!parse(program, length, prog, message)) {
    write_message(error, error_size, 0, message);
    return T4J_BAD_ARGUMENT;
  }
  if (prog.steps.size() != 1) {
    write_message(error, error_size, 0, "draws are read from a program of one random step");
    return T4J_BAD_ARGUMENT;
  }
  Rng rng(static_cast<uint64_t>(seed));
  const Step& st = prog.steps[0];
  switch (st.op) {
    case T4J_OP_RANDOM_RESIZED_CROP: {
      int64_t top, left, ch, cw;
      resized_crop_params(h, w, st.a, rng, top, left, ch, cw);
      out[0] = static_cast<double>(top); out[1] = static_cast<double>(left);
      out[2] = static_cast<double>(ch); out[3] = static_cast<double>(cw);
      *count = 4;
      return T4J_OK;
    }
    case T4J_OP_RANDOM_ROTATION:
      out[0] = rng.uniform(st.a[0], st.a[1]);  // as apply() draws it
      *count = 1;
      return T4J_OK;
    case T4J_OP_RANDOM_AFFINE:
      affine_params(h, w, st.a, rng, out);
      *count = 6;
      return T4J_OK;
    case T4J_OP_COLOR_JITTER: {
      int order[4];
      jitter_params(st.a, rng, order, out + 4);
      for (int k = 0; k < 4; ++k) out[k] = order[k];
      *count = 8;
      return T4J_OK;
    }
    case T4J_OP_RANDOM_HFLIP:
      out[0] = rng.uniform(0.0, 1.0) < st.a[0] ? 1.0 : 0.0;  // as apply() draws it
      *count = 1;
      return T4J_OK;
    default:
      write_message(error, error_size, 0, "the step draws nothing");
      return T4J_BAD_ARGUMENT;
  }
}

int t4j_image_info(const char* path, int64_t* hwc, char* error, int64_t error_size) {
  std::string message;
  if (!path || !hwc) return T4J_BAD_ARGUMENT;
  if (!read_image_info(path, hwc[0], hwc[1], hwc[2], message)) {
    write_message(error, error_size, 0, message);
    return T4J_STATUS_DECODE;
  }
  return T4J_OK;
}

int t4j_pipeline_run_files(const double* program, int64_t length, const char* paths, const int64_t* offsets,
                           int64_t n, const int64_t* seeds, int fast_decode, float* dst, int out_layout, int64_t c,
                           int64_t h, int64_t w, int threads, int32_t* status, char* errors, int64_t error_size) {
  Program prog;
  std::string message;
  if (!paths || !offsets || !seeds || !dst || !status || n < 0 || c <= 0 || h <= 0 || w <= 0 ||
      (out_layout != T4J_LAYOUT_NCHW && out_layout != T4J_LAYOUT_NHWC)) {
    message = "null buffer, non-positive size or unknown layout";
  }
  if (!message.empty() || !parse(program, length, prog, message)) {
    write_message(errors, error_size, 0, message);
    return T4J_BAD_ARGUMENT;
  }
  int64_t want_h = 0, want_w = 0;
  if (fast_decode) decode_hint(prog, want_h, want_w);
  const Output output = fold_output(prog);
  std::atomic<int64_t> failed{0};
  parallel_for(n, threads, [&](int64_t i) {
    std::string err;
    Image img;
    int code = T4J_OK;
    int64_t full_h = 0, full_w = 0;
    if (!decode_image_file(paths + offsets[i], want_h, want_w, img, full_h, full_w, err)) {
      code = T4J_STATUS_DECODE;
    } else {
      size_t first = 0;
      if (want_h > 0 && prog.steps[0].a[1] == 0 && (full_h != img.h || full_w != img.w)) {
        // A shorter-side Resize measures the file's own size, not the DCT-scaled one, so that every
        // image gets the size its header promises.
        int64_t oh, ow;
        shorter_side(want_h, full_h, full_w, oh, ow);
        img = resize_bilinear(img, oh, ow);
        first = 1;
      }
      Rng rng(static_cast<uint64_t>(seeds[i]));
      code = apply(prog, img, rng, first, prog.steps.size() - output.steps, err)
                 ? store(img, output, dst + i * c * h * w, out_layout, c, h, w, err)
                 : T4J_STATUS_SHAPE;
    }
    status[i] = code;
    if (code != T4J_OK) {
      write_message(errors, error_size, i, err);
      ++failed;
    }
  });
  return failed > 0 ? T4J_SAMPLE_ERRORS : T4J_OK;
}

int t4j_pipeline_run_pixels(const double* program, int64_t length, const void* src, int float_input, int layout,
                            int64_t n, int64_t in_c, int64_t in_h, int64_t in_w, const int64_t* seeds, float* dst,
                            int out_layout, int64_t c, int64_t h, int64_t w, int threads, int32_t* status, char* errors,
                            int64_t error_size) {
  Program prog;
  std::string message;
  if (!src || !seeds || !dst || !status || n < 0 || in_c <= 0 || in_h <= 0 || in_w <= 0 || c <= 0 || h <= 0 ||
      w <= 0 || (layout != T4J_LAYOUT_NCHW && layout != T4J_LAYOUT_NHWC) ||
      (out_layout != T4J_LAYOUT_NCHW && out_layout != T4J_LAYOUT_NHWC)) {
    message = "null buffer, non-positive size or unknown layout";
  }
  if (!message.empty() || !parse(program, length, prog, message)) {
    write_message(errors, error_size, 0, message);
    return T4J_BAD_ARGUMENT;
  }
  const Output output = fold_output(prog);
  std::atomic<int64_t> failed{0};
  const int64_t per_image = in_c * in_h * in_w;
  parallel_for(n, threads, [&](int64_t i) {
    Image img(in_h, in_w, in_c, float_input == 0);
    const int64_t plane = in_h * in_w;
    for (int64_t k = 0; k < in_c; ++k) {
      for (int64_t p = 0; p < plane; ++p) {
        const int64_t at = i * per_image + (layout == T4J_LAYOUT_NCHW ? k * plane + p : p * in_c + k);
        if (float_input) img.px[p * in_c + k] = static_cast<const float*>(src)[at];
        else img.bytes[p * in_c + k] = static_cast<const uint8_t*>(src)[at];
      }
    }
    Rng rng(static_cast<uint64_t>(seeds[i]));
    std::string err;
    const int code = apply(prog, img, rng, 0, prog.steps.size() - output.steps, err)
                         ? store(img, output, dst + i * c * h * w, out_layout, c, h, w, err)
                         : T4J_STATUS_SHAPE;
    status[i] = code;
    if (code != T4J_OK) {
      write_message(errors, error_size, i, err);
      ++failed;
    }
  });
  return failed > 0 ? T4J_SAMPLE_ERRORS : T4J_OK;
}
