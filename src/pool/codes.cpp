#include "pool/codes.h"

#include "common/encoding.h"
#include "common/random.h"
#include "crypto/hmac.h"

#include <fmt/format.h>

namespace cognate::pool {

std::string new_code() { return fmt::format("{:06d}", random_below(1'000'000)); }

std::string hash_code(std::span<const unsigned char> key, std::string_view user_id,
                      std::string_view purpose, std::string_view code) {
  std::string message = fmt::format("{}\n{}\n{}", purpose, user_id, code);
  return hex_encode(crypto::hmac_sha256(key, as_bytes(message)));
}

bool same_hash(std::string_view a, std::string_view b) {
  return crypto::constant_time_equal(as_bytes(a), as_bytes(b));
}

}  // namespace cognate::pool
