#pragma once
// TOTP (RFC 6238) as Cognito and authenticator apps use it: HMAC-SHA1, 6 digits, 30-second steps
// counted from the Unix epoch. The otpauth URIs clients build carry no algorithm/digits/period, so
// these defaults are fixed. Pure functions; safe for concurrent use.

#include "common/clock.h"
#include "common/encoding.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cognate::mfa {

// RFC 4226 HOTP: the last `digits` (6–8 in the RFCs) decimal digits, zero-padded. Throws
// std::runtime_error only if OpenSSL's HMAC fails (it does not for valid arguments).
std::string hotp(std::span<const unsigned char> key, std::uint64_t counter, int digits = 6);

// The 30-second step containing `t`: floor(unix seconds / 30).
std::int64_t totp_step(time_point t);

// The 6-digit code for the step containing `t`.
std::string totp_code(std::span<const unsigned char> key, time_point t);

// The step in [step(now) - window, step(now) + window] whose code equals `code`, or nullopt when
// none does or `code` is not exactly 6 ASCII digits. Every candidate is computed and compared in
// constant time; if several match, the latest step is returned. `window` must be >= 0.
//
// Single use is the caller's job: it records the returned step (compare-and-set) and refuses a
// code whose step is not greater than the last accepted one.
std::optional<std::int64_t> match_totp(std::span<const unsigned char> key, std::string_view code,
                                       time_point now, int window = 1);

// A fresh 32-byte secret; its base32 form (52 characters) is Cognito's `SecretCode`.
bytes new_totp_secret();

// "otpauth://totp/<issuer>:<account>?secret=<secret>&issuer=<issuer>" with issuer, account and
// secret percent-encoded (RFC 3986: all but unreserved characters, so ' ' is %20 and '@' is %40).
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32);

}  // namespace cognate::mfa
