// JPEG (libjpeg-turbo) and PNG (libpng) decoding to 8-bit RGB, the way Pillow's
// Image.open(path).convert("RGB") sees the file, which is what torchvision's ImageFolder feeds its
// transforms. Errors never abort: libjpeg/libpng report through longjmp back to here, and the caller
// gets the reason as text.
#include "image.h"

#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <utility>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

#ifdef _WIN32
#  include <windows.h>
#endif

namespace t4j {
namespace {

// Pillow refuses images above ~179 megapixels as decompression bombs; we refuse above 128.
constexpr int64_t kMaxPixels = int64_t(1) << 27;
constexpr size_t kMaxFileBytes = size_t(1) << 30;

bool too_big(int64_t h, int64_t w, std::string& error) {
  if (h <= 0 || w <= 0) {
    error = "image has no pixels (" + std::to_string(w) + "x" + std::to_string(h) + ")";
    return true;
  }
  if (h * w > kMaxPixels) {
    error = "image of " + std::to_string(w) + "x" + std::to_string(h) + " pixels exceeds the " +
            std::to_string(kMaxPixels / (1 << 20)) + " Mi pixel limit";
    return true;
  }
  return false;
}

bool read_file(const std::string& path, std::vector<uint8_t>& bytes, std::string& error) {
#ifdef _WIN32
  // Java hands over UTF-8; the narrow Windows API would read it as the ANSI code page.
  int n = MultiByteToWideChar(CP_UTF8, 0, path.c_str(), -1, nullptr, 0);
  std::wstring wide(static_cast<size_t>(n > 0 ? n : 1), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, path.c_str(), -1, &wide[0], n);
  std::ifstream in(wide.c_str(), std::ios::binary);
#else
  std::ifstream in(path, std::ios::binary);
#endif
  if (!in) {
    error = "cannot open file: " + std::string(std::strerror(errno));
    return false;
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0) {
    error = "cannot read file size";
    return false;
  }
  if (static_cast<size_t>(size) > kMaxFileBytes) {
    error = "file of " + std::to_string(size) + " bytes is larger than the 1 GiB limit";
    return false;
  }
  bytes.resize(static_cast<size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    error = "read error";
    return false;
  }
  return true;
}

bool is_jpeg(const uint8_t* d, size_t n) { return n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF; }
bool is_png(const uint8_t* d, size_t n) {
  static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  return n >= 8 && std::memcmp(d, sig, 8) == 0;
}

std::string unknown_format(const uint8_t* d, size_t n) {
  if (n == 0) return "empty file";
  if (n >= 4 && std::memcmp(d, "GIF8", 4) == 0) return "GIF images are not supported (JPEG and PNG are)";
  if (n >= 2 && d[0] == 'B' && d[1] == 'M') return "BMP images are not supported (JPEG and PNG are)";
  if (n >= 12 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WEBP", 4) == 0)
    return "WebP images are not supported (JPEG and PNG are)";
  return "not a JPEG or PNG file";
}

// ---- JPEG ---------------------------------------------------------------------------------------

struct JpegErrors {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void jpeg_fail(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

// Warnings are ignored as Pillow ignores them, except a premature end of data: Pillow raises
// "image file is truncated" there, and a half-grey picture would be silently wrong training data.
void jpeg_warn(j_common_ptr cinfo, int level) {
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
    auto* e = reinterpret_cast<JpegErrors*>(cinfo->err);
    std::snprintf(e->message, sizeof e->message, "truncated file (premature end of JPEG data)");
    std::longjmp(e->jump, 1);
  }
}

// Decodes into `rgb` (HWC, 3 channels). Locals that live across setjmp are plain data only.
bool decode_jpeg(const uint8_t* data, size_t size, bool header_only, int64_t want_h, int64_t want_w,
                 std::vector<uint8_t>& rgb, std::vector<uint8_t>& row, int64_t& h, int64_t& w, int64_t& full_h,
                 int64_t& full_w, std::string& error) {
  jpeg_decompress_struct cinfo;
  JpegErrors errors;
  cinfo.err = jpeg_std_error(&errors.mgr);
  errors.mgr.error_exit = jpeg_fail;
  errors.mgr.emit_message = jpeg_warn;
  if (setjmp(errors.jump)) {
    jpeg_destroy_decompress(&cinfo);
    error = std::string("corrupt JPEG: ") + errors.message;
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  h = full_h = cinfo.image_height;
  w = full_w = cinfo.image_width;
  if (header_only || too_big(h, w, error)) {
    jpeg_destroy_decompress(&cinfo);
    return header_only && error.empty();
  }
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  if (want_h > 0 && want_w > 0) {
    // The smallest M/8 whose output still covers the wanted size: DCT scaling skips most of the work.
    for (unsigned m = 1; m < 8; ++m) {
      if ((w * m + 7) / 8 >= want_w && (h * m + 7) / 8 >= want_h) {
        cinfo.scale_num = m;
        cinfo.scale_denom = 8;
        break;
      }
    }
  }
  jpeg_start_decompress(&cinfo);
  h = cinfo.output_height;
  w = cinfo.output_width;
  const int comps = cinfo.output_components;
  rgb.resize(static_cast<size_t>(h * w * 3));
  row.resize(static_cast<size_t>(w * comps));
  // Adobe writes CMYK inverted (255 = no ink); Pillow undoes that ("CMYK;I") before converting.
  const bool inverted = cmyk && cinfo.saw_Adobe_marker;
  while (cinfo.output_scanline < cinfo.output_height) {
    const int64_t y = cinfo.output_scanline;
    JSAMPROW rows[1] = {row.data()};
    jpeg_read_scanlines(&cinfo, rows, 1);
    uint8_t* out = rgb.data() + y * w * 3;
    if (comps == 3) {
      std::memcpy(out, row.data(), static_cast<size_t>(w * 3));
    } else {
      for (int64_t x = 0; x < w; ++x) {
        int k[4];
        for (int j = 0; j < 4; ++j) k[j] = inverted ? 255 - row[x * 4 + j] : row[x * 4 + j];
        // Pillow's cmyk2rgb: channel = (255 - k) - ink * (255 - k) / 255, with its rounding division.
        const int nk = 255 - k[3];
        for (int j = 0; j < 3; ++j) {
          const int t = k[j] * nk + 128;
          const int v = nk - (((t >> 8) + t) >> 8);
          out[x * 3 + j] = static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
        }
      }
    }
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

// ---- PNG ----------------------------------------------------------------------------------------

struct PngSource {
  const uint8_t* data;
  size_t size, pos;
  char message[256];
};

void png_fail(png_structp png, png_const_charp msg) {
  auto* src = static_cast<PngSource*>(png_get_error_ptr(png));
  std::snprintf(src->message, sizeof src->message, "%s", msg);
  png_longjmp(png, 1);
}

void png_warn(png_structp, png_const_charp) {}

void png_read_memory(png_structp png, png_bytep out, png_size_t length) {
  auto* src = static_cast<PngSource*>(png_get_io_ptr(png));
  if (length > src->size - src->pos) png_error(png, "truncated file (premature end of PNG data)");
  std::memcpy(out, src->data + src->pos, length);
  src->pos += length;
}

bool decode_png(const uint8_t* data, size_t size, bool header_only, std::vector<uint8_t>& rgb,
                std::vector<uint8_t>& raw, std::vector<png_bytep>& rows, int64_t& h, int64_t& w,
                std::string& error) {
  PngSource src{data, size, 0, {0}};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_fail, png_warn);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_read_struct(&png, &info, nullptr);
    error = "out of memory";
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    error = std::string("corrupt PNG: ") + src.message;
    return false;
  }
  png_set_read_fn(png, &src, png_read_memory);
  png_read_info(png, info);
  h = png_get_image_height(png, info);
  w = png_get_image_width(png, info);
  if (header_only || too_big(h, w, error)) {
    png_destroy_read_struct(&png, &info, nullptr);
    return header_only && error.empty();
  }
  // To 8 bits per sample, 1/2/4-bit grey scaled up, palette looked up. 16-bit samples keep their high
  // byte (Pillow does the same for RGB; it clips 16-bit grey instead, which we do not copy).
  png_set_strip_16(png);
  png_set_packing(png);
  png_set_palette_to_rgb(png);
  png_set_expand_gray_1_2_4_to_8(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  const int channels = png_get_channels(png, info);
  const size_t rowbytes = png_get_rowbytes(png, info);
  if (channels < 1 || channels > 4 || rowbytes != static_cast<size_t>(w * channels)) {
    png_error(png, "unsupported pixel layout");
  }
  raw.resize(rowbytes * static_cast<size_t>(h));
  rows.resize(static_cast<size_t>(h));
  for (int64_t y = 0; y < h; ++y) rows[y] = raw.data() + y * rowbytes;
  png_read_image(png, rows.data());
  png_read_end(png, nullptr);
  png_destroy_read_struct(&png, &info, nullptr);
  // Grey is replicated, alpha dropped: Pillow's convert("RGB") of L, LA, RGBA and P images.
  rgb.resize(static_cast<size_t>(h * w * 3));
  const int64_t pixels = h * w;
  for (int64_t i = 0; i < pixels; ++i) {
    const uint8_t* p = raw.data() + i * channels;
    uint8_t* o = rgb.data() + i * 3;
    if (channels <= 2) {
      o[0] = o[1] = o[2] = p[0];
    } else {
      o[0] = p[0];
      o[1] = p[1];
      o[2] = p[2];
    }
  }
  return true;
}

bool decode(const uint8_t* data, size_t size, bool header_only, int64_t want_h, int64_t want_w, Image* out,
            int64_t& h, int64_t& w, int64_t& full_h, int64_t& full_w, std::string& error) {
  std::vector<uint8_t> rgb, scratch;
  bool ok;
  if (is_jpeg(data, size)) {
    ok = decode_jpeg(data, size, header_only, want_h, want_w, rgb, scratch, h, w, full_h, full_w, error);
  } else if (is_png(data, size)) {
    std::vector<png_bytep> rows;
    ok = decode_png(data, size, header_only, rgb, scratch, rows, h, w, error);
    full_h = h;
    full_w = w;
  } else {
    error = unknown_format(data, size);
    return false;
  }
  if (!ok || header_only) return ok;
  *out = Image();
  out->h = h;
  out->w = w;
  out->c = 3;
  out->bytes = std::move(rgb);
  out->bytes.resize(static_cast<size_t>(h * w * 3));
  return true;
}

}  // namespace

bool read_image_info(const std::string& path, int64_t& h, int64_t& w, int64_t& c, std::string& error) {
  std::vector<uint8_t> bytes;
  if (!read_file(path, bytes, error)) return false;
  c = 3;
  int64_t full_h = 0, full_w = 0;
  return decode(bytes.data(), bytes.size(), true, 0, 0, nullptr, h, w, full_h, full_w, error);
}

bool decode_image_file(const std::string& path, int64_t want_h, int64_t want_w, Image& out, int64_t& full_h,
                       int64_t& full_w, std::string& error) {
  std::vector<uint8_t> bytes;
  if (!read_file(path, bytes, error)) return false;
  return decode_image_bytes(bytes.data(), bytes.size(), want_h, want_w, out, full_h, full_w, error);
}

bool decode_image_bytes(const uint8_t* data, size_t size, int64_t want_h, int64_t want_w, Image& out,
                        int64_t& full_h, int64_t& full_w, std::string& error) {
  int64_t h = 0, w = 0;
  return decode(data, size, false, want_h, want_w, &out, h, w, full_h, full_w, error);
}

}  // namespace t4j
