#include "token/keyring.h"

#include <stdexcept>

namespace cognate::token {

keyring::keyring(std::vector<rsa_key> keys) : keys_(std::move(keys)) {
  if (keys_.empty()) {
    throw std::invalid_argument("a keyring needs at least one key");
  }
}

std::string keyring::sign(const boost::json::object& payload) const {
  return sign_jwt(keys_.back(), payload);
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
