#include "crypto/srp.h"

#include "common/random.h"
#include "crypto/hmac.h"

#include <openssl/bn.h>

#include <memory>
#include <stdexcept>

namespace cognate::crypto {
namespace {

constexpr std::string_view n_hex =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

struct bn_free {
  void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
struct ctx_free {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
using bn_ptr = std::unique_ptr<BIGNUM, bn_free>;

bn_ptr bn_from_bytes(std::span<const unsigned char> b) {
  return bn_ptr(BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr));
}

bn_ptr bn_from_hex(std::string_view hex) {
  BIGNUM* out = nullptr;
  std::string s(hex);
  if (s.empty() || BN_hex2bn(&out, s.c_str()) != static_cast<int>(s.size())) {
    BN_free(out);
    return nullptr;
  }
  return bn_ptr(out);
}

bytes bn_pad(const BIGNUM* n) {
  bytes raw(static_cast<std::size_t>(BN_num_bytes(n)));
  BN_bn2bin(n, raw.data());
  if (raw.empty()) {
    return {0};
  }
  if (raw.front() & 0x80) {
    raw.insert(raw.begin(), 0);
  }
  return raw;
}

bn_ptr bn_new() { return bn_ptr(BN_new()); }

std::string bn_hex(const BIGNUM* n) {
  bytes raw(static_cast<std::size_t>(BN_num_bytes(n)));
  BN_bn2bin(n, raw.data());
  return srp_minimal_hex(raw);
}

struct mont_free {
  void operator()(BN_MONT_CTX* m) const { BN_MONT_CTX_free(m); }
};

// The group's constants, computed once. The Montgomery context of N is shared read-only by every
// exponentiation (OpenSSL only reads a context passed in), which saves setting one up per call.
struct group {
  bn_ptr n = bn_from_hex(n_hex);
  bn_ptr g = bn_from_hex("2");
  bn_ptr k;
  std::unique_ptr<BN_MONT_CTX, mont_free> mont{BN_MONT_CTX_new()};
  group() {
    bytes material = bn_pad(n.get());
    bytes g_pad = bn_pad(g.get());
    material.insert(material.end(), g_pad.begin(), g_pad.end());
    auto digest = sha256(material);
    k = bn_from_bytes(digest);
    std::unique_ptr<BN_CTX, ctx_free> ctx(BN_CTX_new());
    if (!n || !mont || !ctx || BN_MONT_CTX_set(mont.get(), n.get(), ctx.get()) != 1) {
      throw std::runtime_error("srp group setup failed");
    }
  }
};

const group& srp_group() {
  static const group instance;
  return instance;
}

// r = a^p mod N for a secret exponent p (x, b): constant time, so the time taken does not depend
// on the exponent's bits. `a` must be reduced mod N.
bool exp_secret(BIGNUM* r, const BIGNUM* a, const BIGNUM* p, BN_CTX* ctx) {
  const auto& grp = srp_group();
  return BN_mod_exp_mont_consttime(r, a, p, grp.n.get(), ctx, grp.mont.get()) == 1;
}

// r = a^p mod N for a public exponent (u).
bool exp_public(BIGNUM* r, const BIGNUM* a, const BIGNUM* p, BN_CTX* ctx) {
  const auto& grp = srp_group();
  return BN_mod_exp_mont(r, a, p, grp.n.get(), ctx, grp.mont.get()) == 1;
}

}  // namespace

std::string_view srp_n_hex() { return n_hex; }

std::string srp_server_B(std::string_view verifier_hex, std::string_view b_hex) {
  const auto& grp = srp_group();
  auto v = bn_from_hex(verifier_hex);
  auto b = bn_from_hex(b_hex);
  std::unique_ptr<BN_CTX, ctx_free> ctx(BN_CTX_new());
  auto kv = bn_new();
  auto gb = bn_new();
  auto B = bn_new();
  if (!v || !b || !ctx || BN_mod_mul(kv.get(), grp.k.get(), v.get(), grp.n.get(), ctx.get()) != 1 ||
      !exp_secret(gb.get(), grp.g.get(), b.get(), ctx.get()) ||
      BN_mod_add(B.get(), kv.get(), gb.get(), grp.n.get(), ctx.get()) != 1) {
    throw std::runtime_error("srp B computation failed");
  }
  return bn_hex(B.get());
}

srp_server_ephemeral srp_server_start(std::string_view verifier_hex) {
  for (;;) {
    std::string b_hex = hex_encode(random_bytes(32));
    std::string B_hex = srp_server_B(verifier_hex, b_hex);
    if (B_hex != "0") {
      return {std::move(b_hex), std::move(B_hex)};
    }
  }
}

bytes srp_session_key(std::string_view A_hex, std::string_view B_hex, std::string_view b_hex,
                      std::string_view verifier_hex) {
  const auto& grp = srp_group();
  auto A = bn_from_hex(A_hex);
  auto B = bn_from_hex(B_hex);
  auto b = bn_from_hex(b_hex);
  auto v = bn_from_hex(verifier_hex);
  std::unique_ptr<BN_CTX, ctx_free> ctx(BN_CTX_new());
  auto a_mod = bn_new();
  if (!A || !B || !b || !v || !ctx || A_hex.size() > 2048 ||
      BN_nnmod(a_mod.get(), A.get(), grp.n.get(), ctx.get()) != 1 || BN_is_zero(a_mod.get())) {
    return {};
  }
  bytes ab = bn_pad(A.get());
  bytes b_pad = bn_pad(B.get());
  ab.insert(ab.end(), b_pad.begin(), b_pad.end());
  auto u_digest = sha256(ab);
  auto u = bn_from_bytes(u_digest);
  if (BN_is_zero(u.get())) {
    return {};
  }
  // S = (A · v^u)^b mod N
  auto vu = bn_new();
  auto base = bn_new();
  auto S = bn_new();
  auto v_mod = bn_new();
  if (BN_nnmod(v_mod.get(), v.get(), grp.n.get(), ctx.get()) != 1 ||
      !exp_public(vu.get(), v_mod.get(), u.get(), ctx.get()) ||
      BN_mod_mul(base.get(), a_mod.get(), vu.get(), grp.n.get(), ctx.get()) != 1 ||
      !exp_secret(S.get(), base.get(), b.get(), ctx.get())) {
    return {};
  }
  // HKDF: PRK = HMAC(PAD(u), PAD(S)); K = HMAC(PRK, "Caldera Derived Key" || 0x01)[0..16)
  auto prk = hmac_sha256(bn_pad(u.get()), bn_pad(S.get()));
  static constexpr std::string_view info = "Caldera Derived Key\x01";
  auto okm = hmac_sha256(prk, as_bytes(info));
  return bytes(okm.begin(), okm.begin() + 16);
}

std::string srp_claim_signature(std::span<const unsigned char> key, std::string_view pool_name,
                                std::string_view user_id, std::span<const unsigned char> secret_block,
                                std::string_view timestamp) {
  bytes message(pool_name.begin(), pool_name.end());
  message.insert(message.end(), user_id.begin(), user_id.end());
  message.insert(message.end(), secret_block.begin(), secret_block.end());
  message.insert(message.end(), timestamp.begin(), timestamp.end());
  return base64_encode(hmac_sha256(key, message));
}

bytes srp_pad_hex(std::string_view hex) {
  auto n = bn_from_hex(hex);
  return n ? bn_pad(n.get()) : bytes{};
}

std::string srp_minimal_hex(std::span<const unsigned char> big_endian) {
  auto n = bn_from_bytes(big_endian);
  if (BN_is_zero(n.get())) {
    return "0";
  }
  std::string hex = hex_encode(big_endian);
  return hex.substr(hex.find_first_not_of('0'));
}

std::string srp_verifier_hex(std::string_view pool_name, std::string_view user_id,
                             std::string_view password, std::string_view salt_hex) {
  std::string identity;
  identity.reserve(pool_name.size() + user_id.size() + 1 + password.size());
  identity.append(pool_name).append(user_id).append(":").append(password);
  auto inner = sha256(as_bytes(identity));
  std::fill(identity.begin(), identity.end(), '\0');

  bytes material = srp_pad_hex(salt_hex);
  if (material.empty()) {
    throw std::invalid_argument("srp salt is not hex");
  }
  material.insert(material.end(), inner.begin(), inner.end());
  auto x_digest = sha256(material);

  auto x = bn_from_bytes(x_digest);
  bn_ptr v(BN_new());
  std::unique_ptr<BN_CTX, ctx_free> ctx(BN_CTX_new());
  if (!x || !v || !ctx || !exp_secret(v.get(), srp_group().g.get(), x.get(), ctx.get())) {
    throw std::runtime_error("srp verifier computation failed");
  }
  bytes v_bytes(static_cast<std::size_t>(BN_num_bytes(v.get())));
  BN_bn2bin(v.get(), v_bytes.data());
  return srp_minimal_hex(v_bytes);
}

srp_verifier make_srp_verifier(std::string_view pool_name, std::string_view user_id,
                               std::string_view password) {
  auto salt = random_bytes(16);
  std::string salt_hex = srp_minimal_hex(salt);
  return {salt_hex, srp_verifier_hex(pool_name, user_id, password, salt_hex)};
}

}  // namespace cognate::crypto
