#pragma once
// Compact JWS (RFC 7515) with RS256 only: signing Cognito-style ID and access tokens, verifying
// tokens presented back to us, and publishing the JWKS. Claims (exp, iss, token_use, …) are the
// caller's business. Pure functions over immutable keys; safe for concurrent use.

#include "common/error.h"
#include "token/rsa_key.h"

#include <boost/json/object.hpp>

#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace cognate::token {

// Longest token verify_jwt() looks at; ours are ~1 KiB.
inline constexpr std::size_t max_jwt_size = 8 * 1024;

// "<header>.<payload>.<signature>", each base64url without padding; the header is exactly
// {"kid":"<key.kid()>","alg":"RS256"}; RSASSA-PKCS1-v1_5 over SHA-256. CPU-heavy (~1 ms at 2048
// bits). Throws std::runtime_error only if OpenSSL fails to sign.
std::string sign_jwt(const rsa_key& key, const boost::json::object& payload);

struct verified_jwt {
  boost::json::object header;
  boost::json::object payload;
};

// Checks the form and signature of `token`: exactly three non-empty base64url parts, at most
// max_jwt_size bytes; a JSON object header with "alg":"RS256" (anything else, "none" and HS256
// included, is refused), no "crit", and a string "kid" for which `key_for_kid` returns a key (or
// nullptr when unknown); a valid signature by that key; a JSON object payload. Any failure gives
// errc::not_authorized "Invalid Access Token" (callers re-word it per token type). Never throws on
// malformed input. `key_for_kid` is called at most once, on the calling thread.
result<verified_jwt> verify_jwt(
    std::string_view token, const std::function<const rsa_key*(std::string_view kid)>& key_for_kid);

// The "kid" of a compact JWS header, read without checking anything (to pick the keys that then
// verify it); "" when it cannot be read.
std::string unverified_kid(std::string_view token);

// {"keys":[<public_jwk()>…]} in the given order, each key (non-null) once even if passed twice.
boost::json::object jwks(std::span<const rsa_key* const> keys);

}  // namespace cognate::token
