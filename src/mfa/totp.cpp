#include "mfa/totp.h"

#include "common/random.h"
#include "crypto/hmac.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <stdexcept>

namespace cognate::mfa {
namespace {

constexpr int totp_digits = 6;
using totp_period = std::chrono::duration<std::int64_t, std::ratio<30>>;

bool is_totp_code(std::string_view code) {
  return code.size() == totp_digits &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void append_percent_encoded(std::string& out, std::string_view text) {
  constexpr std::string_view hex = "0123456789ABCDEF";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 0x0f]);
    }
  }
}

}  // namespace

std::string hotp(std::span<const unsigned char> key, std::uint64_t counter, int digits) {
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message.data(), message.size(),
           mac.data(), &mac_len) == nullptr) {
    throw std::runtime_error("HMAC(sha1) failed");
  }
  // RFC 4226 §5.3 dynamic truncation.
  unsigned offset = mac[mac_len - 1] & 0x0f;
  std::uint32_t binary =
      (mac[offset] & 0x7fu) << 24 | mac[offset + 1] << 16 | mac[offset + 2] << 8 | mac[offset + 3];
  std::string code(static_cast<std::size_t>(digits), '0');
  for (auto it = code.rbegin(); it != code.rend(); ++it) {
    *it = static_cast<char>('0' + binary % 10);
    binary /= 10;
  }
  return code;
}

std::int64_t totp_step(time_point t) {
  return std::chrono::floor<totp_period>(t.time_since_epoch()).count();
}

std::string totp_code(std::span<const unsigned char> key, time_point t) {
  return hotp(key, static_cast<std::uint64_t>(totp_step(t)), totp_digits);
}

std::optional<std::int64_t> match_totp(std::span<const unsigned char> key, std::string_view code,
                                       time_point now, int window) {
  if (!is_totp_code(code)) {
    return std::nullopt;
  }
  std::optional<std::int64_t> matched;
  std::int64_t current = totp_step(now);
  // No early exit: every candidate costs the same, so timing does not reveal which step matched.
  for (std::int64_t step = current - window; step <= current + window; ++step) {
    auto candidate = hotp(key, static_cast<std::uint64_t>(step), totp_digits);
    if (crypto::constant_time_equal(as_bytes(candidate), as_bytes(code))) {
      matched = step;
    }
  }
  return matched;
}

bytes new_totp_secret() { return random_bytes(32); }

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32) {
  std::string uri = "otpauth://totp/";
  append_percent_encoded(uri, issuer);
  uri.push_back(':');
  append_percent_encoded(uri, account);
  uri += "?secret=";
  append_percent_encoded(uri, secret_base32);
  uri += "&issuer=";
  append_percent_encoded(uri, issuer);
  return uri;
}

}  // namespace cognate::mfa
