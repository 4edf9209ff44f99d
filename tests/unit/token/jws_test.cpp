#include "token/jws.h"

#include "common/random.h"
#include "crypto/hmac.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

namespace cognate::token {
namespace {

namespace fs = std::filesystem;

const rsa_key& test_key() {
  static const rsa_key key = rsa_key::generate();
  return key;
}

const rsa_key* only(const rsa_key& key, std::string_view kid) {
  return kid == key.kid() ? &key : nullptr;
}

result<verified_jwt> verify_with(const rsa_key& key, std::string_view token) {
  return verify_jwt(token, [&key](std::string_view kid) { return only(key, kid); });
}

std::string b64url(std::string_view text) { return base64url_encode(as_bytes(text)); }

std::string text(const bytes& b) { return std::string(b.begin(), b.end()); }

std::vector<std::string> split(std::string_view token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (auto dot = token.find('.'); dot != token.npos; dot = token.find('.', start)) {
    parts.emplace_back(token.substr(start, dot - start));
    start = dot + 1;
  }
  parts.emplace_back(token.substr(start));
  return parts;
}

std::string run(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1 </dev/null").c_str(), "r");
  if (pipe == nullptr) {
    return output;
  }
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
    output += buffer;
  }
  pclose(pipe);
  return output;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const fs::path& path, std::string_view content) {
  std::ofstream(path, std::ios::binary) << content;
}

struct temp_dir {
  temp_dir() : path(fs::temp_directory_path() / ("cognate-jws-" + random_uuid())) {
    fs::create_directories(path);
  }
  ~temp_dir() { fs::remove_all(path); }
  fs::path path;
};

// A token with an arbitrary header and payload, RS256-signed by the openssl CLI: lets tests show
// that a refusal comes from the rule under test, not from a bad signature.
std::string cli_signed(const rsa_key& key, std::string_view header, std::string_view payload) {
  temp_dir dir;
  std::string input = b64url(header) + '.' + b64url(payload);
  write_file(dir.path / "key.pem", key.private_pem());
  write_file(dir.path / "input.txt", input);
  run("openssl dgst -sha256 -sign " + (dir.path / "key.pem").string() + " -out " +
      (dir.path / "sig.bin").string() + " " + (dir.path / "input.txt").string());
  return input + '.' + base64url_encode(as_bytes(read_file(dir.path / "sig.bin")));
}

boost::json::object sample_claims() {
  return {{"sub", "3c1b2a90-1111-4222-8333-444455556666"},
          {"token_use", "access"},
          {"scope", "aws.cognito.signin.user.admin"},
          {"iat", 1700000000},
          {"exp", 1700003600}};
}

void expect_refused(const result<verified_jwt>& r) {
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::not_authorized);
  EXPECT_EQ(r.error().message, "Invalid Access Token");
}

TEST(Jws, SignedTokenVerifiesToItsHeaderAndPayload) {
  auto token = sign_jwt(test_key(), sample_claims());
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);
  auto verified = verify_with(test_key(), token);
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->payload, sample_claims());
  EXPECT_EQ(verified->header.at("kid").as_string(), test_key().kid());
}

TEST(Jws, HeaderIsExactlyKidThenRs256) {
  auto parts = split(sign_jwt(test_key(), sample_claims()));
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(text(*base64url_decode(parts[0])),
            R"({"kid":")" + test_key().kid() + R"(","alg":"RS256"})");
  EXPECT_EQ(boost::json::parse(text(*base64url_decode(parts[1]))), sample_claims());
}

TEST(Jws, SignatureVerifiesWithOpenSslCli) {
  temp_dir dir;
  auto token = sign_jwt(test_key(), sample_claims());
  auto last_dot = token.rfind('.');
  write_file(dir.path / "pub.pem", test_key().public_pem());
  write_file(dir.path / "input.txt", token.substr(0, last_dot));
  write_file(dir.path / "sig.bin", text(*base64url_decode(token.substr(last_dot + 1))));
  auto verify = "openssl dgst -sha256 -verify " + (dir.path / "pub.pem").string() + " -signature " +
                (dir.path / "sig.bin").string() + " ";
  EXPECT_EQ(run(verify + (dir.path / "input.txt").string()), "Verified OK\n");
  write_file(dir.path / "other.txt", token.substr(0, last_dot) + "x");
  EXPECT_NE(run(verify + (dir.path / "other.txt").string()), "Verified OK\n");
}

TEST(Jws, TamperedHeaderPayloadOrSignatureIsRefused) {
  auto parts = split(sign_jwt(test_key(), sample_claims()));
  auto claims = sample_claims();
  claims["sub"] = "someone-else";
  auto other_payload = b64url(boost::json::serialize(claims));
  auto other_header = b64url(R"({"kid":")" + test_key().kid() + R"(","alg":"RS256","typ":"JWT"})");
  auto signature = *base64url_decode(parts[2]);
  signature[10] ^= 0x01;
  expect_refused(verify_with(test_key(), parts[0] + '.' + other_payload + '.' + parts[2]));
  expect_refused(verify_with(test_key(), other_header + '.' + parts[1] + '.' + parts[2]));
  expect_refused(
      verify_with(test_key(), parts[0] + '.' + parts[1] + '.' + base64url_encode(signature)));
  expect_refused(
      verify_with(test_key(), parts[0] + '.' + parts[1] + '.' + parts[2].substr(0, 100)));
}

TEST(Jws, AlgNoneAndHs256AreRefused) {
  auto parts = split(sign_jwt(test_key(), sample_claims()));
  auto kid = test_key().kid();
  auto none = b64url(R"({"kid":")" + kid + R"(","alg":"none"})");
  expect_refused(verify_with(test_key(), none + '.' + parts[1] + '.'));
  expect_refused(verify_with(test_key(), none + '.' + parts[1] + '.' + parts[2]));
  // Key confusion: HMAC keyed with the public key, which an attacker can fetch from the JWKS.
  auto hs256 = b64url(R"({"kid":")" + kid + R"(","alg":"HS256"})") + '.' + parts[1];
  auto mac = crypto::hmac_sha256(as_bytes(test_key().public_pem()), as_bytes(hs256));
  expect_refused(verify_with(test_key(), hs256 + '.' + base64url_encode(mac)));
}

TEST(Jws, CorrectlySignedTokensWithBadHeadersOrPayloadsAreRefused) {
  const auto& key = test_key();
  auto kid = key.kid();
  auto payload = boost::json::serialize(sample_claims());
  // The helper itself produces tokens that verify.
  auto with_typ = R"({"typ":"JWT","kid":")" + kid + R"(","alg":"RS256"})";
  EXPECT_TRUE(verify_with(key, cli_signed(key, with_typ, payload)));

  for (std::string header :
       {R"({"kid":")" + kid + R"(","alg":"RS512"})", R"({"kid":")" + kid + R"(","alg":"none"})",
        R"({"kid":")" + kid + R"(","alg":["RS256"]})", R"({"kid":")" + kid + R"("})",
        std::string(R"({"alg":"RS256"})"), std::string(R"({"kid":42,"alg":"RS256"})"),
        R"({"kid":")" + kid + R"(","alg":"RS256","crit":["exp"]})", R"(["kid",")" + kid + R"("])",
        R"({"kid":")" + kid + R"(","alg":"RS256")"}) {
    SCOPED_TRACE(header);
    expect_refused(verify_with(key, cli_signed(key, header, payload)));
  }
  auto header = R"({"kid":")" + kid + R"(","alg":"RS256"})";
  for (std::string bad_payload : {"[1,2]", "\"claims\"", "{\"sub\":", "", "null"}) {
    SCOPED_TRACE(bad_payload);
    expect_refused(verify_with(key, cli_signed(key, header, bad_payload)));
  }
}

TEST(Jws, UnknownKidOrAnotherKeyIsRefused) {
  auto token = sign_jwt(test_key(), sample_claims());
  expect_refused(verify_jwt(token, [](std::string_view) { return nullptr; }));
  auto other = rsa_key::generate();
  expect_refused(verify_jwt(token, [&other](std::string_view) { return &other; }));
}

TEST(Jws, GarbageIsRefusedWithoutThrowing) {
  auto token = sign_jwt(test_key(), sample_claims());
  auto parts = split(token);
  std::string big(10 * 1024, 'A');
  big[3000] = '.';
  big[6000] = '.';
  const std::string garbage[] = {
      "",
      ".",
      "..",
      "a.b",
      "a.b.c",
      "a.b.c.d",
      token + ".",
      "." + token,
      parts[0] + ".." + parts[2],
      parts[0] + "." + parts[1] + ".",
      "!!!.###.$$$",
      parts[0] + "=." + parts[1] + "." + parts[2],
      parts[0] + "." + parts[1] + "." + parts[2] + "=",
      " " + token,
      token + "\n",
      std::string(token).replace(token.find('.') + 1, 1, "+"),
      big,
      parts[0] + "." + std::string(9000, 'e') + "." + parts[2],
      b64url("{}") + "." + b64url("{}") + "." + b64url("{}"),
      b64url(std::string(1000, '[')) + "." + parts[1] + "." + parts[2],
      std::string("\0.\0.\0", 5),
  };
  for (const auto& g : garbage) {
    SCOPED_TRACE(g.substr(0, 80));
    EXPECT_NO_THROW(expect_refused(verify_with(test_key(), g)));
  }
}

TEST(RsaKey, JwkHasRs256FieldsAndTheKeysModulusAndExponent) {
  temp_dir dir;
  auto jwk = test_key().public_jwk();
  EXPECT_EQ(jwk.at("alg"), "RS256");
  EXPECT_EQ(jwk.at("kty"), "RSA");
  EXPECT_EQ(jwk.at("use"), "sig");
  EXPECT_EQ(jwk.at("e"), "AQAB");
  EXPECT_EQ(jwk.at("kid").as_string(), test_key().kid());
  auto n = *base64url_decode(jwk.at("n").as_string());
  ASSERT_EQ(n.size(), 256u);
  EXPECT_NE(n[0], 0);
  write_file(dir.path / "pub.pem", test_key().public_pem());
  auto modulus =
      run("openssl rsa -pubin -in " + (dir.path / "pub.pem").string() + " -noout -modulus");
  auto hex = hex_encode(n);
  std::transform(hex.begin(), hex.end(), hex.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  EXPECT_EQ(modulus, "Modulus=" + hex + "\n");
}

TEST(RsaKey, KidIsStableAcrossPemRoundTripAndDiffersBetweenKeys) {
  const auto& key = test_key();
  EXPECT_EQ(key.kid().size(), 22u);
  auto pem = key.private_pem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
  EXPECT_EQ(key.public_pem().rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
  auto loaded = rsa_key::from_private_pem(pem);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->kid(), key.kid());
  EXPECT_EQ(loaded->public_jwk(), key.public_jwk());
  EXPECT_TRUE(verify_with(key, sign_jwt(*loaded, sample_claims())));
  EXPECT_NE(rsa_key::generate().kid(), key.kid());
}

TEST(RsaKey, MovedKeyKeepsItsIdentity) {
  auto key = rsa_key::generate();
  auto kid = key.kid();
  rsa_key moved = std::move(key);
  EXPECT_EQ(moved.kid(), kid);
  EXPECT_TRUE(verify_with(moved, sign_jwt(moved, sample_claims())));
}

TEST(RsaKey, OneKeySignsAndVerifiesOnManyThreadsAtOnce) {
  const auto& key = test_key();
  std::atomic<int> verified{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&key, &verified, t] {
      for (int i = 0; i < 25; ++i) {
        boost::json::object claims{{"thread", t}, {"i", i}};
        auto checked = verify_with(key, sign_jwt(key, claims));
        if (checked && checked->payload == claims) {
          ++verified;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(verified, 100);
}

TEST(RsaKey, FromPrivatePemRefusesGarbageEncryptedPublicAndNonRsaKeys) {
  temp_dir dir;
  auto path = [&dir](const char* name) { return (dir.path / name).string(); };
  run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + path("ec.pem"));
  auto genrsa = "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024";
  run(genrsa + std::string(" -aes256 -pass pass:secret -out ") + path("encrypted.pem"));
  run("openssl rsa -in " + path("encrypted.pem") + " -passin pass:secret -traditional -out " +
      path("pkcs1.pem"));
  ASSERT_NE(read_file(path("ec.pem")), "");
  ASSERT_NE(read_file(path("encrypted.pem")), "");

  for (std::string bad :
       {std::string(), std::string("not a pem"), read_file(path("ec.pem")),
        read_file(path("encrypted.pem")), test_key().public_pem(), std::string(100 * 1024, '-')}) {
    auto key = rsa_key::from_private_pem(bad);
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().code, errc::internal);
  }
  auto pkcs1 = read_file(path("pkcs1.pem"));
  EXPECT_EQ(pkcs1.rfind("-----BEGIN RSA PRIVATE KEY-----", 0), 0u);
  EXPECT_TRUE(rsa_key::from_private_pem(pkcs1));
}

TEST(Jwks, ListsEachKeyOnceInOrder) {
  auto second = rsa_key::generate();
  const rsa_key* keys[] = {&test_key(), &second, &test_key()};
  auto set = jwks(keys);
  ASSERT_EQ(set.size(), 1u);
  const auto& list = set.at("keys").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], test_key().public_jwk());
  EXPECT_EQ(list[1], second.public_jwk());
  EXPECT_TRUE(jwks({}).at("keys").as_array().empty());
}

}  // namespace
}  // namespace cognate::token
