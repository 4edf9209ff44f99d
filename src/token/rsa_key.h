#pragma once
// An RSA signing key for RS256 tokens, owning its OpenSSL EVP_PKEY.
//
// Movable, not copyable; a moved-from key may only be destroyed or assigned to. Immutable after
// construction, so const members are safe for concurrent use: OpenSSL 3 allows one EVP_PKEY to
// sign and verify on many threads at once as long as each operation has its own EVP_MD_CTX
// (which jws.cpp does).

#include "common/error.h"

#include <boost/json/object.hpp>
#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

namespace cognate::token {

class rsa_key {
 public:
  // A new key with public exponent 65537. CPU-heavy (tens of ms at 2048 bits); throws
  // std::runtime_error if OpenSSL fails.
  static rsa_key generate(int bits = 2048);
  // Parses an unencrypted private key PEM (PKCS#8 or PKCS#1). Fails with errc::internal (cause
  // logged) when the text is not an RSA private key; never prompts for a passphrase.
  static result<rsa_key> from_private_pem(std::string_view pem);

  // PKCS#8 "PRIVATE KEY" PEM, unencrypted: the caller seals it before storing and never logs it.
  std::string private_pem() const;
  // SubjectPublicKeyInfo "PUBLIC KEY" PEM.
  std::string public_pem() const;
  // The JWS/JWK key id: base64url of the first 16 bytes of SHA-256 over the DER public key, so it
  // is stable for the key's life and across PEM round trips (22 characters).
  const std::string& kid() const { return kid_; }
  // {"alg":"RS256","e":…,"kid":…,"kty":"RSA","n":…,"use":"sig"}, n and e as unpadded big-endian
  // base64url without leading zero bytes (RFC 7518 §6.3.1).
  boost::json::object public_jwk() const;
  // Borrowed; valid while this key lives.
  const EVP_PKEY* get() const { return pkey_.get(); }

 private:
  struct pkey_deleter {
    void operator()(EVP_PKEY* pkey) const;
  };
  explicit rsa_key(EVP_PKEY* pkey);

  std::unique_ptr<EVP_PKEY, pkey_deleter> pkey_;
  std::string kid_;
};

}  // namespace cognate::token
