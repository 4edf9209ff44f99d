#include "crypto/srp.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace cognate::crypto {
namespace {

boost::json::object vector() {
  std::ifstream in(COGNATE_SOURCE_DIR "/tests/fixtures/srp-test-vector.json");
  std::stringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str()).as_object();
}

std::string field(const boost::json::object& o, const char* key) {
  return std::string(o.at(key).as_string());
}

TEST(Srp, VerifierMatchesSharedTestVector) {
  auto v = vector();
  EXPECT_EQ(srp_verifier_hex(field(v, "poolName"), field(v, "user"), field(v, "password"),
                             field(v, "salt_hex")),
            field(v, "v_hex"));
}

TEST(Srp, ServerSideMatchesSharedTestVector) {
  auto v = vector();
  EXPECT_EQ(srp_server_B(field(v, "v_hex"), field(v, "b_hex")), field(v, "B_hex"));
  auto key = srp_session_key(field(v, "A_hex"), field(v, "B_hex"), field(v, "b_hex"),
                             field(v, "v_hex"));
  EXPECT_EQ(hex_encode(key), field(v, "hkdf_hex"));
  auto block = base64_decode(field(v, "secret_block"));
  ASSERT_TRUE(block);
  EXPECT_EQ(srp_claim_signature(key, field(v, "poolName"), field(v, "user"), *block,
                                field(v, "timestamp")),
            field(v, "signature"));
}

TEST(Srp, RefusesADegenerateClientValue) {
  auto v = vector();
  EXPECT_TRUE(srp_session_key("0", field(v, "B_hex"), field(v, "b_hex"), field(v, "v_hex")).empty());
  EXPECT_TRUE(srp_session_key(std::string(srp_n_hex()), field(v, "B_hex"), field(v, "b_hex"),
                              field(v, "v_hex"))
                  .empty());
  EXPECT_TRUE(srp_session_key("not hex", field(v, "B_hex"), field(v, "b_hex"), field(v, "v_hex"))
                  .empty());
}

TEST(Srp, FreshServerEphemeralsDiffer) {
  auto v = vector();
  auto one = srp_server_start(field(v, "v_hex"));
  auto two = srp_server_start(field(v, "v_hex"));
  EXPECT_NE(one.B_hex, two.B_hex);
  EXPECT_EQ(srp_server_B(field(v, "v_hex"), one.b_hex), one.B_hex);
}

TEST(Srp, PadUsesMinimalTwosComplement) {
  EXPECT_EQ(srp_pad_hex("2"), (bytes{0x02}));
  EXPECT_EQ(srp_pad_hex("80"), (bytes{0x00, 0x80}));
  EXPECT_EQ(srp_pad_hex("0080"), (bytes{0x00, 0x80}));  // leading zeros dropped first
  EXPECT_EQ(srp_pad_hex("7f"), (bytes{0x7f}));
  EXPECT_EQ(srp_pad_hex(srp_n_hex()).size(), 385u);      // N starts with 0xFF
  EXPECT_TRUE(srp_pad_hex("xyz").empty());
}

TEST(Srp, MinimalHexDropsLeadingZeros) {
  EXPECT_EQ(srp_minimal_hex(bytes{0x00, 0x0a, 0xbc}), "abc");
  EXPECT_EQ(srp_minimal_hex(bytes{0x00, 0x00}), "0");
}

TEST(Srp, FreshVerifiersUseRandomSaltsAndRecompute) {
  auto a = make_srp_verifier("AbCdEf123", "user-1", "Passw0rd!");
  auto b = make_srp_verifier("AbCdEf123", "user-1", "Passw0rd!");
  EXPECT_NE(a.salt_hex, b.salt_hex);
  EXPECT_NE(a.verifier_hex, b.verifier_hex);
  EXPECT_EQ(srp_verifier_hex("AbCdEf123", "user-1", "Passw0rd!", a.salt_hex), a.verifier_hex);
  EXPECT_NE(srp_verifier_hex("AbCdEf123", "user-1", "Passw0rd?", a.salt_hex), a.verifier_hex);
  EXPECT_NE(srp_verifier_hex("OtherPool", "user-1", "Passw0rd!", a.salt_hex), a.verifier_hex);
}

}  // namespace
}  // namespace cognate::crypto
