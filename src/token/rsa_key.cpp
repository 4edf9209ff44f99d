#include "token/rsa_key.h"

#include "common/encoding.h"
#include "crypto/hmac.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace cognate::token {
namespace {

using bio_ptr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using bn_ptr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

// Far above any real RSA PEM (16384-bit keys are ~12 KiB); keeps the length within BIO's int.
constexpr std::size_t max_pem_size = 64 * 1024;

void require(bool ok, const char* what) {
  if (!ok) {
    ERR_clear_error();
    throw std::runtime_error(std::string("OpenSSL: ") + what + " failed");
  }
}

// An encrypted PEM is an error, not a reason to prompt on the terminal.
int refuse_passphrase(char*, int, int, void*) { return -1; }

std::string write_pem(const EVP_PKEY* pkey, bool include_private) {
  bio_ptr bio(BIO_new(BIO_s_mem()), BIO_free);
  require(bio != nullptr, "BIO_new");
  int ok = include_private
               ? PEM_write_bio_PrivateKey(bio.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr)
               : PEM_write_bio_PUBKEY(bio.get(), pkey);
  require(ok == 1, "PEM_write_bio");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string key_id(const EVP_PKEY* pkey) {
  int size = i2d_PUBKEY(pkey, nullptr);
  require(size > 0, "i2d_PUBKEY");
  bytes der(static_cast<std::size_t>(size));
  unsigned char* out = der.data();
  require(i2d_PUBKEY(pkey, &out) == size, "i2d_PUBKEY");
  auto digest = crypto::sha256(der);
  return base64url_encode(std::span(digest).first(16));
}

std::string bn_param_base64url(const EVP_PKEY* pkey, const char* name) {
  BIGNUM* raw = nullptr;
  require(EVP_PKEY_get_bn_param(pkey, name, &raw) == 1, "EVP_PKEY_get_bn_param");
  bn_ptr bn(raw, BN_free);
  bytes big_endian(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), big_endian.data());
  return base64url_encode(big_endian);
}

}  // namespace

void rsa_key::pkey_deleter::operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }

rsa_key::rsa_key(EVP_PKEY* pkey) : pkey_(pkey), kid_(key_id(pkey)) {}

rsa_key rsa_key::generate(int bits) {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits));
  require(pkey != nullptr, "RSA key generation");
  return rsa_key(pkey);
}

result<rsa_key> rsa_key::from_private_pem(std::string_view pem) {
  if (pem.empty() || pem.size() > max_pem_size) {
    return internal_failure("signing key: PEM is empty or too large");
  }
  bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  require(bio != nullptr, "BIO_new_mem_buf");
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr);
  if (pkey == nullptr) {
    ERR_clear_error();
    return internal_failure("signing key: not an unencrypted PEM private key");
  }
  rsa_key key(pkey);
  if (EVP_PKEY_is_a(pkey, "RSA") != 1) {
    return internal_failure("signing key: not an RSA key");
  }
  return key;
}

std::string rsa_key::private_pem() const { return write_pem(pkey_.get(), true); }

std::string rsa_key::public_pem() const { return write_pem(pkey_.get(), false); }

boost::json::object rsa_key::public_jwk() const {
  return {
      {"alg", "RS256"},
      {"e", bn_param_base64url(pkey_.get(), OSSL_PKEY_PARAM_RSA_E)},
      {"kid", kid_},
      {"kty", "RSA"},
      {"n", bn_param_base64url(pkey_.get(), OSSL_PKEY_PARAM_RSA_N)},
      {"use", "sig"},
  };
}

}  // namespace cognate::token
