#pragma once
// Byte ↔ text encodings used on the wire and at rest. Decoders return std::nullopt on any
// malformed input (never throw). Pure functions; safe for concurrent use.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cognate {

using bytes = std::vector<unsigned char>;

inline std::span<const unsigned char> as_bytes(std::string_view s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

std::string hex_encode(std::span<const unsigned char> data);            // lower-case
std::optional<bytes> hex_decode(std::string_view text);                  // even length, any case

std::string base64_encode(std::span<const unsigned char> data);          // standard, padded
std::optional<bytes> base64_decode(std::string_view text);               // standard, padded
std::string base64url_encode(std::span<const unsigned char> data);       // URL-safe, unpadded
std::optional<bytes> base64url_decode(std::string_view text);            // URL-safe, unpadded

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF).
bool is_utf8(std::string_view text);

std::string base32_encode(std::span<const unsigned char> data);          // RFC 4648, unpadded
std::optional<bytes> base32_decode(std::string_view text);               // upper/lower, '=' optional

}  // namespace cognate
