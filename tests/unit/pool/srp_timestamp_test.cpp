// The TIMESTAMP of an SRP password claim, parsed as strictly as Cognito parses it.
#include "pool/srp_timestamp.h"

#include <gtest/gtest.h>

namespace cognate::pool {
namespace {

TEST(SrpTimestamp, ParsesCognitosFormatStrictly) {
  auto t = parse_srp_timestamp("Tue Mar 5 09:04:01 UTC 2024");
  ASSERT_TRUE(t);
  EXPECT_EQ(to_unix(*t), 1709629441);
  EXPECT_EQ(format_srp_timestamp(*t), "Tue Mar 5 09:04:01 UTC 2024");
  EXPECT_TRUE(parse_srp_timestamp("Fri Nov 27 18:49:32 UTC 2026"));
  EXPECT_FALSE(parse_srp_timestamp("Tue Mar 05 09:04:01 UTC 2024"));  // padded day
  EXPECT_FALSE(parse_srp_timestamp("Wed Mar 5 09:04:01 UTC 2024"));   // wrong weekday
  EXPECT_FALSE(parse_srp_timestamp("Tue Mar 5 9:04:01 UTC 2024"));
  EXPECT_FALSE(parse_srp_timestamp("Tue Mar 5 09:04:01 GMT 2024"));
  EXPECT_FALSE(parse_srp_timestamp("Tue Mar 5 09:04:01 UTC 2024 "));
  EXPECT_FALSE(parse_srp_timestamp(""));
  // Found by fuzz/text_parsers_fuzz: a far-future year overflowed the clock type.
  EXPECT_FALSE(parse_srp_timestamp("Tue Mar 5 09:04:01 UTC 6024"));
  EXPECT_FALSE(parse_srp_timestamp("Thu Jan 1 00:00:00 UTC 1000"));
}

TEST(SrpTimestamp, FormatsWhatItParsesAcrossDaysAndYears) {
  for (std::int64_t t : {0LL, 86'399LL, 951'782'400LL /* 29 Feb 2000 */, 1'709'629'441LL,
                         4'102'444'799LL /* 31 Dec 2099 */}) {
    const auto text = format_srp_timestamp(from_unix(t));
    auto back = parse_srp_timestamp(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(to_unix(*back), t) << text;
  }
  EXPECT_EQ(format_srp_timestamp(from_unix(951'782'400)), "Tue Feb 29 00:00:00 UTC 2000");
  EXPECT_FALSE(parse_srp_timestamp("Wed Feb 29 00:00:00 UTC 2001"));  // no such day
}

}  // namespace
}  // namespace cognate::pool
