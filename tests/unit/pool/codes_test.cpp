// One-time codes: six digits, stored only as a keyed hash bound to the user and the purpose.
#include "pool/codes.h"

#include "common/random.h"

#include <gtest/gtest.h>

#include <set>

namespace cognate::pool {
namespace {

TEST(Codes, AreSixDecimalDigitsSpreadOverTheWholeRange) {
  std::set<char> first_digits;
  for (int i = 0; i < 2000; ++i) {
    const auto code = new_code();
    ASSERT_EQ(code.size(), 6u) << code;
    ASSERT_TRUE(std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
        << code;
    first_digits.insert(code[0]);  // leading zeros are kept, not dropped
  }
  EXPECT_EQ(first_digits.size(), 10u);
}

TEST(Codes, HashesDependOnKeyUserPurposeAndCode) {
  const auto key = random_bytes(32);
  const auto h = hash_code(key, "u1", "signup", "123456");
  EXPECT_EQ(h.size(), 64u);  // hex SHA-256
  EXPECT_EQ(h, hash_code(key, "u1", "signup", "123456"));
  EXPECT_NE(h, hash_code(key, "u2", "signup", "123456"));
  EXPECT_NE(h, hash_code(key, "u1", "reset", "123456"));
  EXPECT_NE(h, hash_code(key, "u1", "signup", "123457"));
  EXPECT_NE(h, hash_code(random_bytes(32), "u1", "signup", "123456"));
  // The fields are delimited: moving characters between them changes the hash.
  EXPECT_NE(hash_code(key, "u", "1signup", "123456"), hash_code(key, "u1", "signup", "123456"));
  EXPECT_EQ(h.find("123456"), std::string::npos);
}

TEST(Codes, SameHashComparesWholeValues) {
  EXPECT_TRUE(same_hash("abcd", "abcd"));
  EXPECT_FALSE(same_hash("abcd", "abce"));
  EXPECT_FALSE(same_hash("abcd", "abc"));
  EXPECT_FALSE(same_hash("", "a"));
}

}  // namespace
}  // namespace cognate::pool
