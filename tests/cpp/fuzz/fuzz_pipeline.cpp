// libFuzzer target: the image pipeline's steps on decoded images. The input chooses an image (small raw pixels,
// or a JPEG/PNG decoded by the shim), a program of up to 6 steps with parameters drawn from ordinary, extreme and
// invalid values, and seeds. Properties: t4j_pipeline_check refuses bad programs with a message; a program it
// accepts runs without crash, sanitizer report or hang, and fills exactly the output shape it announced.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "../../../cpp/src/image.h"
#include "torch4j/shim.h"

namespace {

class Input {
 public:
  Input(const uint8_t* d, size_t n) : d_(d), n_(n) {}
  uint8_t byte() { return i_ < n_ ? d_[i_++] : 0; }
  // A parameter value: mostly plausible ones, sometimes the edges a user (or a bug) can hand over.
  double value() {
    uint8_t kind = byte();
    uint8_t a = byte(), b = byte();
    switch (kind % 12) {
      case 0: return std::numeric_limits<double>::quiet_NaN();
      case 1: return (kind & 0x10) ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
      case 2: return -static_cast<double>(a);
      case 3: return static_cast<double>(a) * 1e12;
      case 4: return a / 255.0;
      case 5: return (a - 128) / 16.0;
      default: return static_cast<double>(a % 80) + b / 256.0;
    }
  }
  const uint8_t* rest(size_t* n) {
    *n = n_ - i_;
    return d_ + i_;
  }

 private:
  const uint8_t* d_;
  size_t n_, i_ = 0;
};

// Arguments per opcode, as shim.h lists them (NORMALIZE: c, then c means and c stds).
int arity(int op, int channels) {
  switch (op) {
    case T4J_OP_RESIZE: case T4J_OP_CENTER_CROP: return 2;
    case T4J_OP_RANDOM_RESIZED_CROP: return 6;
    case T4J_OP_RANDOM_ROTATION: return 5;
    case T4J_OP_RANDOM_AFFINE: return 13;
    case T4J_OP_RANDOM_HFLIP: return 1;
    case T4J_OP_COLOR_JITTER: return 8;
    case T4J_OP_GRAYSCALE: return 1;
    case T4J_OP_TO_TENSOR: case T4J_OP_HFLIP: return 0;
    case T4J_OP_NORMALIZE: return 1 + 2 * channels;
    case T4J_OP_CROP: return 4;
    case T4J_OP_ROTATE: return 4;
    case T4J_OP_AFFINE: return 9;
    case T4J_OP_ADJUST: return 2;
    default: return 0;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  uint8_t shape = in.byte();
  int64_t h = 1 + in.byte() % 40, w = 1 + in.byte() % 40, c = (shape & 1) ? 3 : 1;
  int float_input = (shape >> 1) & 1, layout = (shape >> 2) & 1, decode = (shape >> 3) & 1;
  const int out_layout = (shape >> 4) & 1 ? T4J_LAYOUT_NHWC : T4J_LAYOUT_NCHW;
  std::vector<double> program;
  int steps = in.byte() % 7;
  for (int s = 0; s < steps; s++) {
    int op = in.byte() % 17;  // 0 and 16 are not opcodes: the check must refuse them
    int n = arity(op, static_cast<int>(c));
    if (in.byte() % 16 == 0) n = in.byte() % 15;  // sometimes the wrong argument count
    program.push_back(op);
    program.push_back(n);
    for (int k = 0; k < n; k++) {
      double v = in.value();
      if (op == T4J_OP_NORMALIZE && k == 0 && in.byte() % 4) v = static_cast<double>(c);
      if (op == T4J_OP_GRAYSCALE && in.byte() % 4) v = (in.byte() & 1) ? 3 : 1;
      program.push_back(v);
    }
  }
  int64_t seed = in.byte() | (static_cast<int64_t>(in.byte()) << 8);
  size_t left = 0;
  const uint8_t* rest = in.rest(&left);

  // the image: decoded from the rest of the input, or the rest as raw pixels
  std::vector<uint8_t> bytes;
  std::vector<float> floats;
  if (decode) {
    t4j::Image img;
    int64_t fh = 0, fw = 0;
    std::string error;
    if (!t4j::decode_image_bytes(rest, left, 0, 0, img, fh, fw, error) || img.h * img.w > 64 * 64) return 0;
    h = img.h;
    w = img.w;
    c = img.c;
    float_input = 0;
    layout = T4J_LAYOUT_NHWC;  // as decoded
    bytes = img.bytes;
  } else {
    size_t count = static_cast<size_t>(h * w * c);
    bytes.resize(count);
    for (size_t i = 0; i < count; i++) bytes[i] = left ? rest[i % left] : static_cast<uint8_t>(i);
    if (float_input) {
      floats.resize(count);
      for (size_t i = 0; i < count; i++) floats[i] = bytes[i] / 255.0f;
    }
  }

  char error[256] = {0};
  int64_t length = static_cast<int64_t>(program.size());
  if (std::getenv("FUZZ_PRINT")) {  // to read a finding: FUZZ_PRINT=1 fuzz_pipeline crash-file
    std::fprintf(stderr, "image %lld x %lld x %lld float %d layout %d decoded %d; program:", static_cast<long long>(h),
                 static_cast<long long>(w), static_cast<long long>(c), float_input, layout, decode);
    for (double v : program) std::fprintf(stderr, " %g", v);
    std::fprintf(stderr, "\n");
  }
  if (t4j_pipeline_check(program.data(), length, error, sizeof error) != T4J_OK) {
    if (error[0] == 0) std::abort();
    return 0;
  }
  int64_t chw[3] = {0, 0, 0};
  error[0] = 0;
  if (t4j_pipeline_output_shape(program.data(), length, h, w, c, float_input ? 0 : 1, chw, error, sizeof error) != T4J_OK) {
    if (error[0] == 0) std::abort();
    return 0;
  }
  if (chw[0] <= 0 || chw[1] <= 0 || chw[2] <= 0) std::abort();
  if (chw[0] * chw[1] * chw[2] > (int64_t(1) << 22)) return 0;  // a big output is legitimate, just slow to fuzz
  std::vector<float> dst(static_cast<size_t>(chw[0] * chw[1] * chw[2]) + 1, -7.0f);
  int32_t status = -1;
  char errors[256] = {0};
  const void* src = float_input ? static_cast<const void*>(floats.data()) : static_cast<const void*>(bytes.data());
  int rc = t4j_pipeline_run_pixels(program.data(), length, src, float_input, layout, 1, c, h, w, &seed, dst.data(),
                                   out_layout, chw[0], chw[1], chw[2], 1,
                                   &status, errors, sizeof errors);
  if (rc == T4J_OK) {
    if (status != T4J_OK) std::abort();
    if (dst.back() != -7.0f) std::abort();  // wrote past the announced shape
  } else if (rc == T4J_SAMPLE_ERRORS) {
    if (errors[0] == 0) std::abort();
  } else if (rc != T4J_BAD_ARGUMENT) {
    std::abort();
  }
  return 0;
}
