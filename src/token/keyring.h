#pragma once
// The pool's token-signing keys: the newest active key signs; every key listed verifies and
// appears in the JWKS (so tokens signed before a rotation stay valid until they expire).
// Immutable after construction; safe for concurrent use.

#include "token/jws.h"
#include "token/rsa_key.h"

#include <boost/json.hpp>

#include <vector>

namespace cognate::token {

class keyring {
 public:
  // `keys` oldest first; the last one signs. Must not be empty.
  explicit keyring(std::vector<rsa_key> keys);

  std::string sign(const boost::json::object& payload) const;
  // Signature and header checks only (see verify_jwt); claims are the caller's business.
  result<verified_jwt> verify(std::string_view token) const;
  boost::json::object jwks() const;
  bool has_kid(std::string_view kid) const;

 private:
  std::vector<rsa_key> keys_;
};

}  // namespace cognate::token
