#pragma once
// One-time codes sent by email: 6 decimal digits from the CSPRNG, stored only as a keyed hash.
// Pure (the key is passed in); thread-safe.

#include <span>
#include <string>
#include <string_view>

namespace cognate::pool {

// Six uniformly random decimal digits, e.g. "042917".
std::string new_code();

// Hex HMAC-SHA256 under `key` of the code bound to its user and purpose, so a stolen hash table
// cannot be tested offline without the key, nor a hash reused for another user or purpose.
std::string hash_code(std::span<const unsigned char> key, std::string_view user_id,
                      std::string_view purpose, std::string_view code);

// Constant-time comparison of two hex hashes.
bool same_hash(std::string_view a, std::string_view b);

}  // namespace cognate::pool
