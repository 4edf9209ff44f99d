#pragma once
// A QR code as an SVG image (libqrencode gives the module grid; we draw it), for TOTP enrolment:
// the built-in Authenticator page shows the otpauth:// URI this way. Pure; thread-safe.

#include "common/error.h"

#include <string>
#include <string_view>

namespace cognate::mfa {

// An SVG document (black modules on white, 4-module quiet zone, scalable) encoding `text` as
// 8-bit data with error correction level M. Fails (errc::invalid_parameter) when `text` is
// empty or too long for a QR code.
result<std::string> qr_svg(std::string_view text);

}  // namespace cognate::mfa
