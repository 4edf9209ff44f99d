#include "mfa/qr_svg.h"
#include "common/reasons.h"

#include <fmt/format.h>
#include <qrencode.h>

#include <memory>

namespace cognate::mfa {

result<std::string> qr_svg(std::string_view text) {
  if (text.empty() || text.size() > 1024) {
    return fail(reason::qr_text_length);
  }
  std::string data(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeData(static_cast<int>(data.size()),
                        reinterpret_cast<const unsigned char*>(data.data()), 0, QR_ECLEVEL_M),
      &QRcode_free);
  if (!code) {
    return fail(reason::qr_unencodable);
  }
  constexpr int quiet = 4;
  const int width = code->width;
  const int size = width + 2 * quiet;
  std::string path;
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width; ++x) {
      // Bit 0 of each module byte is "dark".
      if (code->data[y * width + x] & 1) {
        path += fmt::format("M{},{}h1v1h-1z", x + quiet, y + quiet);
      }
    }
  }
  return fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {0}" shape-rendering="crispEdges" role="img" aria-label="QR code">)"
      R"(<rect width="{0}" height="{0}" fill="#fff"/><path fill="#000" d="{1}"/></svg>)",
      size, path);
}

}  // namespace cognate::mfa
