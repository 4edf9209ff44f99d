#pragma once
// HMAC-SHA256, SHA-256 and constant-time comparison over OpenSSL/libsodium. Pure; thread-safe.

#include "common/encoding.h"

#include <array>
#include <span>
#include <string_view>

namespace cognate::crypto {

using digest256 = std::array<unsigned char, 32>;

digest256 sha256(std::span<const unsigned char> data);
digest256 hmac_sha256(std::span<const unsigned char> key, std::span<const unsigned char> data);

// True when a and b are equal; time depends only on the lengths.
bool constant_time_equal(std::span<const unsigned char> a, std::span<const unsigned char> b);

}  // namespace cognate::crypto
