#include "mfa/totp.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <random>

namespace cognate::mfa {
namespace {

// RFC 6238 Appendix B / RFC 4226 Appendix D SHA-1 seed.
const std::string rfc_seed = "12345678901234567890";

std::string run(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return output;
  }
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
    output += buffer;
  }
  pclose(pipe);
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) {
    output.pop_back();
  }
  return output;
}

TEST(Totp, MatchesRfc6238AppendixBSha1Vectors) {
  struct vector {
    std::int64_t unix;
    std::uint64_t step;
    const char* code;
  };
  const vector vectors[] = {
      {59, 0x1, "94287082"},
      {1111111109, 0x23523EC, "07081804"},
      {1111111111, 0x23523ED, "14050471"},
      {1234567890, 0x273EF07, "89005924"},
      {2000000000, 0x3F940AA, "69279037"},
      {20000000000, 0x27BC86AA, "65353130"},
  };
  // system_clock's nanosecond time_point ends in 2262, so year 2603 is checked by step only.
  constexpr std::int64_t last_representable_unix = 9'000'000'000;
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.unix);
    auto six_digits = std::string(v.code).substr(2);
    EXPECT_EQ(hotp(as_bytes(rfc_seed), v.step, 8), v.code);
    EXPECT_EQ(hotp(as_bytes(rfc_seed), v.step), six_digits);
    if (v.unix < last_representable_unix) {
      EXPECT_EQ(totp_step(from_unix(v.unix)), static_cast<std::int64_t>(v.step));
      EXPECT_EQ(totp_code(as_bytes(rfc_seed), from_unix(v.unix)), six_digits);
    }
  }
}

TEST(Hotp, MatchesRfc4226AppendixDVectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < std::size(expected); ++counter) {
    EXPECT_EQ(hotp(as_bytes(rfc_seed), counter), expected[counter]) << "counter " << counter;
  }
}

TEST(Totp, AgreesWithOathtoolForRandomSecretsAndTimes) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/oathtool")) << "install Debian's oathtool";
  std::mt19937_64 rng(20240611);  // fixed seed: reproducible failures
  for (int i = 0; i < 8; ++i) {
    bytes secret(i % 2 == 0 ? 20 : 32);
    for (auto& b : secret) {
      b = static_cast<unsigned char>(rng());
    }
    auto b32 = base32_encode(secret);
    std::int64_t unix = static_cast<std::int64_t>(rng() % 4'000'000'000);
    std::uint64_t counter = rng() % 1'000'000;
    SCOPED_TRACE(b32 + " @" + std::to_string(unix));
    EXPECT_EQ(totp_code(secret, from_unix(unix)),
              run("oathtool --totp -b " + b32 + " -N @" + std::to_string(unix)));
    EXPECT_EQ(hotp(secret, counter, 8),
              run("oathtool -d 8 -c " + std::to_string(counter) + " -b " + b32));
  }
}

TEST(Totp, StepsAreFlooredThirtySecondIntervals) {
  EXPECT_EQ(totp_step(from_unix(0)), 0);
  EXPECT_EQ(totp_step(from_unix(29)), 0);
  EXPECT_EQ(totp_step(from_unix(30) - std::chrono::milliseconds(1)), 0);
  EXPECT_EQ(totp_step(from_unix(30)), 1);
  EXPECT_EQ(totp_step(from_unix(-1)), -1);
}

TEST(MatchTotp, AcceptsOneStepEarlyOrLateAndReturnsThatStep) {
  auto key = as_bytes(rfc_seed);
  auto now = from_unix(1'700'000'015);
  auto step = totp_step(now);
  for (int delta : {-1, 0, 1}) {
    auto code = hotp(key, static_cast<std::uint64_t>(step + delta));
    EXPECT_EQ(match_totp(key, code, now), step + delta) << "delta " << delta;
  }
}

TEST(MatchTotp, RefusesCodesTwoStepsAwayOrOutsideAZeroWindow) {
  auto key = as_bytes(rfc_seed);
  auto now = from_unix(1'700'000'015);
  auto step = totp_step(now);
  EXPECT_EQ(match_totp(key, hotp(key, static_cast<std::uint64_t>(step - 2)), now), std::nullopt);
  EXPECT_EQ(match_totp(key, hotp(key, static_cast<std::uint64_t>(step + 2)), now), std::nullopt);
  EXPECT_EQ(match_totp(key, hotp(key, static_cast<std::uint64_t>(step + 1)), now, 0), std::nullopt);
  EXPECT_EQ(match_totp(key, totp_code(key, now), now, 0), step);
}

TEST(MatchTotp, RefusesAnythingButExactlySixAsciiDigits) {
  auto key = as_bytes(rfc_seed);
  auto now = from_unix(1'700'000'015);
  auto code = totp_code(key, now);
  for (std::string bad : {std::string("12345"), std::string("1234567"), std::string("12345a"),
                          std::string(" 123456"), std::string(""), " " + code, code + " ",
                          code + "0", code.substr(1), code.substr(0, 5) + '\0'}) {
    EXPECT_EQ(match_totp(key, bad, now), std::nullopt) << "'" << bad << "'";
  }
  EXPECT_EQ(match_totp(key, "\xef\xbc\x91\xef\xbc\x92", now), std::nullopt);  // full-width digits
}

TEST(MatchTotp, RefusesTheRightCodeUnderAnotherKey) {
  auto now = from_unix(1'700'000'015);
  auto code = totp_code(as_bytes(rfc_seed), now);
  EXPECT_EQ(match_totp(as_bytes("another secret seed!"), code, now), std::nullopt);
}

TEST(OtpauthUri, PercentEncodesIssuerAndAccount) {
  auto secret = base32_encode(as_bytes(rfc_seed));
  EXPECT_EQ(otpauth_uri("My App", "alice@example.com", secret),
            "otpauth://totp/My%20App:alice%40example.com?secret=" + secret + "&issuer=My%20App");
  EXPECT_EQ(otpauth_uri("A:B&C", "\"x/y?\"", "ABC"),
            "otpauth://totp/A%3AB%26C:%22x%2Fy%3F%22?secret=ABC&issuer=A%3AB%26C");
  EXPECT_EQ(otpauth_uri("Caf\xc3\xa9", "a-b_c.d~e", "ABC"),
            "otpauth://totp/Caf%C3%A9:a-b_c.d~e?secret=ABC&issuer=Caf%C3%A9");
}

TEST(NewTotpSecret, IsThirtyTwoRandomBytesOfFiftyTwoBase32Characters) {
  auto a = new_totp_secret();
  auto b = new_totp_secret();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(base32_encode(a).size(), 52u);
  EXPECT_NE(a, b);
  EXPECT_EQ(base32_decode(base32_encode(a)), a);
}

}  // namespace
}  // namespace cognate::mfa
