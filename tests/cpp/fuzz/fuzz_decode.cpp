// libFuzzer target: JPEG and PNG decoding from memory, as the shim decodes every photo it is given.
// Properties: no crash, no sanitizer report, no hang; a decoded image has the size it says; a failure says why.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "../../../cpp/src/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int64_t full_h = 0, full_w = 0;
  std::string error;
  t4j::Image img;
  bool ok = t4j::decode_image_bytes(data, size, 0, 0, img, full_h, full_w, error);
  if (ok) {
    if (img.h <= 0 || img.w <= 0 || img.c != 3 || img.bytes.size() != static_cast<size_t>(img.h * img.w * img.c)) std::abort();
  } else if (error.empty()) {
    std::abort();  // every refusal must say why
  }
  // the JPEG decoder may also scale down in the DCT domain when a small size is wanted
  t4j::Image small;
  error.clear();
  if (!t4j::decode_image_bytes(data, size, 7, 5, small, full_h, full_w, error) && error.empty()) std::abort();
  return 0;
}
