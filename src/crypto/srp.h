#pragma once
// SRP-6a as Cognito and its clients compute it (protocol doc §5): 3072-bit RFC 5054 group, g = 2,
// SHA-256, and Java-style minimal two's-complement padding ("PAD") of every hashed integer.
//
// This file holds the group and the verifier (what sign-up and password changes store). Pure;
// thread-safe.

#include "common/encoding.h"

#include <string>
#include <string_view>

namespace cognate::crypto {

// Minimal big-endian two's-complement bytes of the non-negative integer whose minimal
// (lower-case or upper-case, any length) hex is `hex`: leading zeros dropped, a 0x00 prepended
// when the top bit is set. Returns an empty vector for malformed hex.
bytes srp_pad_hex(std::string_view hex);

// Lower-case hex of the integer with no leading zeros ("0" for zero), as SRP_B/SALT travel.
std::string srp_minimal_hex(std::span<const unsigned char> big_endian);

struct srp_verifier {
  std::string salt_hex;      // minimal hex of the salt integer, sent to clients as SALT
  std::string verifier_hex;  // minimal hex of v = g^x mod N (a secret: seal it at rest)
};

// x = H(PAD(salt) || H(pool_name || user_id || ":" || password)); v = g^x mod N.
// `pool_name` is the part of the pool id after '_'; `user_id` the UUID sent as USER_ID_FOR_SRP.
std::string srp_verifier_hex(std::string_view pool_name, std::string_view user_id,
                             std::string_view password, std::string_view salt_hex);

// A fresh 16-byte random salt and the matching verifier.
srp_verifier make_srp_verifier(std::string_view pool_name, std::string_view user_id,
                               std::string_view password);

// The hex digits of N (RFC 5054 3072-bit group).
std::string_view srp_n_hex();

}  // namespace cognate::crypto
