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

// The server's ephemeral values for one sign-in: b (secret; seal it if stored) and
// B = (k·v + g^b) mod N, both as minimal hex. b is 256 random bits; B is never 0 mod N.
struct srp_server_ephemeral {
  std::string b_hex;
  std::string B_hex;
};
srp_server_ephemeral srp_server_start(std::string_view verifier_hex);
// B for a given b (tests and the deterministic fake challenge for unknown users).
std::string srp_server_B(std::string_view verifier_hex, std::string_view b_hex);

// The 16-byte session key K from the client's A and the server's state (protocol doc §5.3).
// Empty when A is malformed, A mod N == 0 or u == 0: the proof must then fail.
bytes srp_session_key(std::string_view A_hex, std::string_view B_hex, std::string_view b_hex,
                      std::string_view verifier_hex);

// base64(HMAC-SHA256(K, pool_name || user_id || secret_block || timestamp)): the
// PASSWORD_CLAIM_SIGNATURE a client holding the password sends.
std::string srp_claim_signature(std::span<const unsigned char> key, std::string_view pool_name,
                                std::string_view user_id, std::span<const unsigned char> secret_block,
                                std::string_view timestamp);

}  // namespace cognate::crypto
