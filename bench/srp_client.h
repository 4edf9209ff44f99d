#pragma once
// The client side of SRP-6a, as Cognito's SDKs compute it: the load generator drives
// PASSWORD_VERIFIER challenges with it. A copy of tests/unit/support/srp_client.h (written
// independently of src/crypto/srp, so the benchmark drives the server as a real client would).

#include "common/encoding.h"
#include "common/random.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <string>

namespace cognate::bench {

class srp_client {
 public:
  srp_client() : ctx_(BN_CTX_new()) {
    BN_hex2bn(&n_, n_hex);
    BN_set_word(g_, 2);
    auto a_bytes = random_bytes(128);
    BN_bin2bn(a_bytes.data(), static_cast<int>(a_bytes.size()), a_);
    BN_mod_exp(A_, g_, a_, n_, ctx_);
  }
  ~srp_client() {
    for (BIGNUM* b : {n_, g_, a_, A_}) BN_clear_free(b);
    BN_CTX_free(ctx_);
  }

  std::string A_hex() const { return hex(A_); }

  // PASSWORD_CLAIM_SIGNATURE for a PASSWORD_VERIFIER challenge.
  std::string signature(const std::string& pool_name, const std::string& user_id,
                        const std::string& password, const std::string& salt_hex,
                        const std::string& B_hex, const std::string& secret_block_b64,
                        const std::string& timestamp) {
    BIGNUM *B = nullptr, *salt = nullptr;
    BN_hex2bn(&B, B_hex.c_str());
    BN_hex2bn(&salt, salt_hex.c_str());
    bytes k = digest(pad(n_) + pad(g_));
    bytes u = digest(pad(A_) + pad(B));
    bytes inner = digest(as_string(pool_name + user_id + ":" + password));
    bytes x = digest(pad(salt) + std::string(inner.begin(), inner.end()));
    BIGNUM* kb = to_bn(k);
    BIGNUM* ub = to_bn(u);
    BIGNUM* xb = to_bn(x);
    // S = (B - k·g^x)^(a + u·x) mod N
    BIGNUM *gx = BN_new(), *kgx = BN_new(), *base = BN_new(), *ux = BN_new(), *exp = BN_new(),
           *S = BN_new();
    BN_mod_exp(gx, g_, xb, n_, ctx_);
    BN_mod_mul(kgx, kb, gx, n_, ctx_);
    BN_mod_sub(base, B, kgx, n_, ctx_);
    BN_mul(ux, ub, xb, ctx_);
    BN_add(exp, a_, ux);
    BN_mod_exp(S, base, exp, n_, ctx_);
    bytes prk = hmac(as_bytes_vec(pad(ub)), pad(S));
    bytes okm = hmac(prk, std::string("Caldera Derived Key") + '\x01');
    okm.resize(16);
    auto block = base64_decode(secret_block_b64).value_or(bytes{});
    std::string message = pool_name + user_id + std::string(block.begin(), block.end()) + timestamp;
    bytes sig = hmac(okm, message);
    for (BIGNUM* b : {B, salt, kb, ub, xb, gx, kgx, base, ux, exp, S}) BN_clear_free(b);
    return base64_encode(sig);
  }

 private:
  static constexpr const char* n_hex =
      "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
      "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
      "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
      "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
      "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
      "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
      "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
      "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

  static std::string as_string(const std::string& s) { return s; }
  static bytes as_bytes_vec(const std::string& s) { return bytes(s.begin(), s.end()); }
  // Java BigInteger.toByteArray: minimal two's complement.
  static std::string pad(const BIGNUM* n) {
    std::string raw(static_cast<std::size_t>(BN_num_bytes(n)), '\0');
    BN_bn2bin(n, reinterpret_cast<unsigned char*>(raw.data()));
    if (raw.empty() || (static_cast<unsigned char>(raw[0]) & 0x80)) raw.insert(raw.begin(), '\0');
    return raw;
  }
  static bytes digest(const std::string& data) {
    bytes out(32);
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
    return out;
  }
  static bytes hmac(const bytes& key, const std::string& data) {
    bytes out(32);
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
    return out;
  }
  static BIGNUM* to_bn(const bytes& b) {
    return BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr);
  }
  static std::string hex(const BIGNUM* n) {
    char* h = BN_bn2hex(n);
    std::string out(h);
    OPENSSL_free(h);
    for (auto& c : out) c = static_cast<char>(std::tolower(c));
    return out;
  }

  BN_CTX* ctx_;
  BIGNUM* n_ = BN_new();
  BIGNUM* g_ = BN_new();
  BIGNUM* a_ = BN_new();
  BIGNUM* A_ = BN_new();
};

}  // namespace cognate::bench
