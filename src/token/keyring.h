#pragma once
// The pool's token-signing keys: one of them signs; every key listed verifies and appears in the
// JWKS (so tokens signed before a rotation stay valid until they expire).
// Immutable after construction; safe for concurrent use.

#include "token/jws.h"
#include "token/rsa_key.h"

#include <boost/json.hpp>

#include <optional>
#include <vector>

namespace cognate::token {

class keyring {
 public:
  // `keys` oldest first; keys[signer] signs (default: the last). Must not be empty.
  explicit keyring(std::vector<rsa_key> keys, std::optional<std::size_t> signer = std::nullopt);

  std::string sign(const boost::json::object& payload) const;
  // Signature and header checks only (see verify_jwt); claims are the caller's business.
  result<verified_jwt> verify(std::string_view token) const;
  boost::json::object jwks() const;
  bool has_kid(std::string_view kid) const;

 private:
  std::vector<rsa_key> keys_;
  std::size_t signer_;
};

}  // namespace cognate::token
