#include "pool/password_check.h"

#include <gtest/gtest.h>

namespace cognate::pool {
namespace {

std::string problem(std::string_view password) {
  auto r = check_password(password_policy{}, password);
  return r ? "" : r.error().message;
}

TEST(PasswordCheck, AcceptsAPasswordMeetingGen2Policy) {
  EXPECT_EQ(problem("Passw0rd!"), "");
  EXPECT_EQ(problem("Ab1 cdefg"), "");  // space counts as a symbol
}

TEST(PasswordCheck, NamesTheFirstBrokenRuleInCognitosWords) {
  EXPECT_EQ(problem("Pa0!"), "Password did not conform with policy: Password not long enough");
  EXPECT_EQ(problem("PASSW0RD!"),
            "Password did not conform with policy: Password must have lowercase characters");
  EXPECT_EQ(problem("passw0rd!"),
            "Password did not conform with policy: Password must have uppercase characters");
  EXPECT_EQ(problem("Password!"),
            "Password did not conform with policy: Password must have numeric characters");
  EXPECT_EQ(problem("Passw0rdd"),
            "Password did not conform with policy: Password must have symbol characters");
  EXPECT_EQ(check_password({}, "Pa0!").error().code, errc::invalid_password);
}

TEST(PasswordCheck, CountsCharactersNotBytes) {
  EXPECT_EQ(problem("Pä0!ééé"), "Password did not conform with policy: Password not long enough");
  EXPECT_EQ(problem("Pä0!éééa"), "");
}

TEST(PasswordCheck, RejectsWhatTheApiModelForbids) {
  EXPECT_EQ(check_password({}, " Passw0rd!").error().code, errc::invalid_parameter);
  EXPECT_EQ(check_password({}, "Passw0rd! ").error().code, errc::invalid_parameter);
  EXPECT_EQ(check_password({}, std::string(257, 'a')).error().code, errc::invalid_parameter);
  EXPECT_EQ(check_password({}, "").error().code, errc::invalid_parameter);
}

TEST(PasswordCheck, RelaxedPolicyOnlyChecksWhatItRequires) {
  password_policy relaxed{6, false, false, false, false};
  EXPECT_TRUE(check_password(relaxed, "abcdef"));
  EXPECT_FALSE(check_password(relaxed, "abcde"));
}

}  // namespace
}  // namespace cognate::pool
