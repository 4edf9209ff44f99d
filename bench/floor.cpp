// cognate-floor: the crypto floor under each token-issuing operation, measured on this machine
// (docs/benchmarks.md). It times, on one thread, the primitives an operation cannot avoid —
// an RS256 signature with RSA 2048 (OpenSSL EVP, as `openssl speed` does) and a 3072-bit modular
// exponentiation with a 256-bit secret exponent (the SRP group Cognito uses) — and then Cognate's
// own calls that wrap them, so the overhead of the wrappers is visible too. The exponentiations
// are timed as Cognate must do them, each with a cached Montgomery context: constant time for
// the secret exponents (x in g^x, b in g^b and (A·v^u)^b), variable time for the public u.
//
// Usage: cognate-floor [--seconds S] [--json FILE]
// Prints one row per primitive (µs per call, calls per second) and the floor of each operation
// in ms of one core. With --json, writes {"rsa_sign_us":…, "modexp_secret_us":…,
// "modexp_public_us":…, "floors": {"UserPasswordAuth": ms, …}}.

#include "crypto/srp.h"
#include "common/encoding.h"
#include "common/random.h"
#include "token/jws.h"
#include "token/rsa_key.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <fmt/core.h>
#include <openssl/bn.h>
#include <openssl/evp.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

namespace {

using steady = std::chrono::steady_clock;

// Calls `f` repeatedly for about `seconds` and returns microseconds per call.
double time_per_call(double seconds, const std::function<void()>& f) {
  f();  // warm up (lazy initialisation, caches)
  long calls = 0;
  const auto start = steady::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  auto now = start;
  do {
    for (int i = 0; i < 8; ++i) {
      f();
    }
    calls += 8;
    now = steady::now();
  } while (now < until);
  return std::chrono::duration<double, std::micro>(now - start).count() / static_cast<double>(calls);
}

// One RS256 signature over a token-sized message with OpenSSL's EVP API only.
void raw_rsa_sign(EVP_PKEY* key, const std::string& message) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char sig[512];
  size_t len = sizeof sig;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1) {
    throw std::runtime_error("EVP_DigestSign failed");
  }
}

struct bn_free {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using bn = std::unique_ptr<BIGNUM, bn_free>;

}  // namespace

int main(int argc, char** argv) {
  using namespace cognate;
  CLI::App cli{"cognate-floor: the crypto floor of Cognate's token-issuing operations"};
  double seconds = 1.0;
  std::string json_file;
  cli.add_option("--seconds", seconds, "seconds per primitive");
  cli.add_option("--json", json_file, "write the figures as JSON to this file");
  CLI11_PARSE(cli, argc, argv);

  auto key = token::rsa_key::generate(2048);
  const std::string message(700, 'x');  // about the size of a signed Cognito token body
  auto* pkey = const_cast<EVP_PKEY*>(key.get());

  // The SRP group's modulus and a fresh 256-bit exponent.
  BIGNUM* raw = nullptr;
  BN_hex2bn(&raw, std::string(crypto::srp_n_hex()).c_str());
  bn n(raw);
  auto exponent_bytes = random_bytes(32);
  bn e(BN_bin2bn(exponent_bytes.data(), 32, nullptr));
  bn out(BN_new());
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), BN_CTX_free);
  std::unique_ptr<BN_MONT_CTX, decltype(&BN_MONT_CTX_free)> mont(BN_MONT_CTX_new(),
                                                                 BN_MONT_CTX_free);
  BN_MONT_CTX_set(mont.get(), n.get(), ctx.get());

  const double rsa_us = time_per_call(seconds, [&] { raw_rsa_sign(pkey, message); });
  bn g(BN_new());
  BN_set_word(g.get(), 2);
  bn base(BN_new());
  BN_rand_range(base.get(), n.get());
  const double secret_us = time_per_call(seconds, [&] {
    BN_mod_exp_mont_consttime(out.get(), base.get(), e.get(), n.get(), ctx.get(), mont.get());
  });
  const double public_us = time_per_call(seconds, [&] {
    BN_mod_exp_mont(out.get(), base.get(), e.get(), n.get(), ctx.get(), mont.get());
  });
  const boost::json::object claims{{"sub", random_uuid()}, {"token_use", "access"},
                                   {"scope", "aws.cognito.signin.user.admin"}};
  const double jwt_us = time_per_call(seconds, [&] { (void)token::sign_jwt(key, claims); });
  const std::string salt = hex_encode(random_bytes(16));
  const double verifier_us = time_per_call(
      seconds, [&] { (void)crypto::srp_verifier_hex("pQbLDTXBl", random_uuid(), "Passw0rd!", salt); });
  const auto verifier = crypto::srp_verifier_hex("pQbLDTXBl", "user", "Passw0rd!", salt);
  const double start_us =
      time_per_call(seconds, [&] { (void)crypto::srp_server_start(verifier); });
  const auto eph = crypto::srp_server_start(verifier);
  const double key_us = time_per_call(seconds, [&] {
    (void)crypto::srp_session_key(eph.B_hex, eph.B_hex, eph.b_hex, verifier);
  });

  fmt::print("{:<44} {:>10} {:>10}\n", "primitive (one thread)", "us/call", "calls/s");
  auto row = [](const char* name, double us) {
    fmt::print("{:<44} {:>10.1f} {:>10.0f}\n", name, us, 1e6 / us);
  };
  row("RSA-2048 RS256 sign (OpenSSL EVP)", rsa_us);
  row("3072-bit a^e, secret 256-bit e (consttime)", secret_us);
  row("3072-bit a^e, public 256-bit e", public_us);
  row("cognate sign_jwt (RS256 token)", jwt_us);
  row("cognate srp_verifier_hex (1 modexp)", verifier_us);
  row("cognate srp_server_start (1 modexp)", start_us);
  row("cognate srp_session_key (2 modexps)", key_us);

  // The floor of each token-issuing operation: what it must sign and exponentiate.
  const boost::json::object floors{
      {"UserPasswordAuth", (2 * rsa_us + secret_us) / 1000},          // g^x check, 2 tokens
      {"PasswordTotpSignIn", (2 * rsa_us + secret_us) / 1000},        // + TOTP: HMACs only
      {"SrpTotpSignIn", (2 * rsa_us + 2 * secret_us + public_us) / 1000},  // g^b, v^u, (Av^u)^b
      {"GetTokensFromRefreshToken", 2 * rsa_us / 1000},
      {"RefreshTokenAuth", 2 * rsa_us / 1000},
      {"SignUp", secret_us / 1000},                                   // the verifier g^x
  };
  fmt::print("crypto floor per operation (ms of one core):");
  for (const auto& [name, ms] : floors) {
    fmt::print(" {} {:.2f};", std::string_view(name), ms.as_double());
  }
  fmt::print("\n");
  if (!json_file.empty()) {
    std::ofstream(json_file) << boost::json::serialize(boost::json::object{
        {"rsa_sign_us", rsa_us},
        {"modexp_secret_us", secret_us},
        {"modexp_public_us", public_us},
        {"floors", floors}});
  }
  return 0;
}
