#include "token/keyring.h"

#include <stdexcept>

namespace cognate::token {

keyring::keyring(std::vector<rsa_key> keys, std::optional<std::size_t> signer)
    : keys_(std::move(keys)), signer_(signer.value_or(keys_.empty() ? 0 : keys_.size() - 1)) {
  if (keys_.empty() || signer_ >= keys_.size()) {
    throw std::invalid_argument("a keyring needs at least one key and a signer among them");
  }
}

std::string keyring::sign(const boost::json::object& payload) const {
  return sign_jwt(keys_[signer_], payload);
}

result<verified_jwt> keyring::verify(std::string_view token) const {
  return verify_jwt(token, [this](std::string_view kid) -> const rsa_key* {
    for (const auto& k : keys_) {
      if (k.kid() == kid) {
        return &k;
      }
    }
    return nullptr;
  });
}

bool keyring::has_kid(std::string_view kid) const {
  for (const auto& k : keys_) {
    if (k.kid() == kid) {
      return true;
    }
  }
  return false;
}

boost::json::object keyring::jwks() const {
  std::vector<const rsa_key*> all;
  for (const auto& k : keys_) {
    all.push_back(&k);
  }
  return token::jwks(all);
}

}  // namespace cognate::token
