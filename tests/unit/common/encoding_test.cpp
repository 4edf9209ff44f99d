#include "common/encoding.h"

#include <gtest/gtest.h>

namespace cognate {
namespace {

std::string text(const bytes& b) { return std::string(b.begin(), b.end()); }

TEST(Encoding, Base32MatchesRfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},           {"f", "MY"},          {"fo", "MZXQ"},          {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base32_encode(as_bytes(plain)), encoded);
    ASSERT_TRUE(base32_decode(encoded));
    EXPECT_EQ(text(*base32_decode(encoded)), plain);
  }
  EXPECT_EQ(text(*base32_decode("mzxw6ytboi======")), "foobar");
  EXPECT_FALSE(base32_decode("MZXW1"));  // '1' is not base32
}

TEST(Encoding, Base64MatchesRfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},           {"f", "Zg=="},         {"fo", "Zm8="},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(as_bytes(plain)), encoded);
    EXPECT_EQ(text(*base64_decode(encoded)), plain);
  }
  EXPECT_FALSE(base64_decode("Zm9"));    // not a multiple of 4
  EXPECT_FALSE(base64_decode("Zm9v!A=="));
  EXPECT_FALSE(base64_decode("Zh=="));   // non-canonical trailing bits
}

TEST(Encoding, Base64UrlIsUnpaddedAndUrlSafe) {
  const bytes data = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(base64url_encode(data), "-_-_");
  EXPECT_EQ(*base64url_decode("-_-_"), data);
  EXPECT_EQ(base64url_encode(as_bytes("f")), "Zg");
  EXPECT_FALSE(base64url_decode("Z"));
}

TEST(Encoding, HexRoundTripsAndRejectsOddOrNonHex) {
  const bytes data = {0x00, 0xab, 0xff};
  EXPECT_EQ(hex_encode(data), "00abff");
  EXPECT_EQ(*hex_decode("00ABff"), data);
  EXPECT_FALSE(hex_decode("abc"));
  EXPECT_FALSE(hex_decode("zz"));
}

}  // namespace
}  // namespace cognate
