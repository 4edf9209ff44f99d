#include "pool/verifier_seal.h"


#include "crypto/seal_context.h"
#include "crypto/srp.h"

#include "common/encoding.h"

#include <fmt/format.h>

#include <stdexcept>

namespace cognate::pool {
namespace {

constexpr std::size_t group_bytes = 384;  // 3072 bits


}  // namespace

std::string seal_verifier(const crypto::sealer& sealer, const std::string& user_id,
                          const std::string& verifier_hex) {
  // Fixed width: v < N < 2^3072, so left-padded with zeros it is exactly 768 hex digits.
  std::string padded(verifier_hex.size() < 2 * group_bytes ? 2 * group_bytes - verifier_hex.size() : 0,
                     '0');
  padded += verifier_hex;
  auto raw = hex_decode(padded);
  if (!raw || raw->size() != group_bytes) {
    throw std::invalid_argument("an SRP verifier must be at most 3072 bits of hex");
  }
  return sealer.seal(*raw, crypto::seal_context::verifier(user_id));
}

result<std::string> open_verifier(const crypto::sealer& sealer, const store::user_record& user) {
  auto plain = sealer.open(user.srp_verifier_sealed, crypto::seal_context::verifier(user.id));
  if (!plain) {
    return plain.error();
  }
  if (plain->size() == group_bytes) {
    return crypto::srp_minimal_hex(*plain);
  }
  return std::string(plain->begin(), plain->end());  // sealed as hex text by earlier versions
}

}  // namespace cognate::pool
