// A pool's settings as the store keeps them.
#include "pool/settings_json.h"

#include <gtest/gtest.h>

namespace cognate::pool {
namespace {

TEST(SettingsJson, EveryFieldRoundTrips) {
  pool_settings s;
  s.email.verification_subject = "Welcome to \"Our\" Workshop App";
  s.email.verification_body = "Thanks! Code: {####}\nBye";
  s.email.invitation_subject = "Join";
  s.email.invitation_body = "User {username}, password {####}";
  s.mfa = mfa_mode::required;
  s.totp_enabled = true;
  s.attributes = {
      attribute_spec{.name = "given_name", .required = true, .is_mutable = false},
      attribute_spec{.name = "custom:plan", .custom = true, .min_len = 1, .max_len = 20},
      attribute_spec{
          .name = "custom:seats", .custom = true, .data_type = "Number", .min = 0, .max = 500}};
  s.account_recovery = "EMAIL_AND_PHONE_WITHOUT_MFA";
  s.groups = {"ADMINS", "EDITORS"};
  s.sender = {
      .from_email = "no-reply@example.com", .from_name = "Zoë", .reply_to = "help@example.com"};
  s.password = {.min_length = 12,
                .require_lowercase = false,
                .require_uppercase = true,
                .require_numbers = false,
                .require_symbols = true};
  s.sign_in_case_sensitive = true;
  s.prevent_user_existence_errors = false;
  auto back = settings_from_json(settings_to_json(s));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, s);
}

TEST(SettingsJson, MissingKeysReadAsTheDefaults) {
  auto empty = settings_from_json("{}");
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, pool_settings{});
  auto some = settings_from_json(R"({"mfa":"OPTIONAL","totp":true})");
  ASSERT_TRUE(some);
  EXPECT_EQ(some->mfa, mfa_mode::optional);
  EXPECT_TRUE(some->totp_enabled);
  EXPECT_EQ(some->email, email_settings{});
}

TEST(SettingsJson, DamageIsAnInternalError) {
  for (const char* text : {"", "[]", R"({"mfa":"SOMETIMES"})", R"({"totp":"yes"})",
                           R"({"attributes":{}})", R"({"groups":[1]})"}) {
    auto r = settings_from_json(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, errc::internal) << text;
  }
}

}  // namespace
}  // namespace cognate::pool
