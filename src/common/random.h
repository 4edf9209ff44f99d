#pragma once
// Cryptographically secure randomness (libsodium's CSPRNG). Safe for concurrent use.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cognate {

std::vector<unsigned char> random_bytes(std::size_t n);

// Uniform in [0, upper_bound) without modulo bias.
std::uint32_t random_below(std::uint32_t upper_bound);

// A random version-4 UUID, lower-case, e.g. "3c1b2a90-1111-4222-8333-444455556666".
std::string random_uuid();

// `n` characters drawn uniformly from `alphabet`.
std::string random_string(std::size_t n, std::string_view alphabet);

}  // namespace cognate
