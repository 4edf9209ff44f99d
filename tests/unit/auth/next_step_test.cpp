// The next-step policy as a table: user, factors and pool MFA mode in, next step out.
#include "auth/next_step.h"

#include <gtest/gtest.h>

namespace cognate::auth {
namespace {

using pool::mfa_mode;
using store::user_status;
using kind = next_step::kind;

second_factor totp(bool allowed, bool enrolled, bool preferred = false) {
  return {
      .kind = factor_kind::totp, .allowed = allowed, .enrolled = enrolled, .preferred = preferred};
}
second_factor email(bool allowed, bool enrolled, bool preferred = false) {
  return {.kind = factor_kind::email_otp,
          .allowed = allowed,
          .enrolled = enrolled,
          .preferred = preferred};
}

struct row {
  const char* name;
  next_step_input in;
  next_step out;
};

TEST(NextStep, FollowsTheDecisionTable) {
  const std::vector<row> table = {
      {"unconfirmed users are refused, whatever else",
       {.mfa = mfa_mode::required,
        .status = user_status::unconfirmed,
        .second_factors = {totp(true, true)}},
       {.what = kind::refuse, .refusal = reason::user_not_confirmed}},
      {"disabled users are refused",
       {.mfa = mfa_mode::off, .enabled = false},
       {.what = kind::refuse, .refusal = reason::user_disabled}},
      {"RESET_REQUIRED users are sent to reset",
       {.mfa = mfa_mode::required, .status = user_status::reset_required},
       {.what = kind::refuse, .refusal = reason::password_reset_required}},
      {"an invited user chooses a password first, even with MFA set up",
       {.mfa = mfa_mode::required,
        .status = user_status::force_change_password,
        .second_factors = {totp(true, true)}},
       {.what = kind::new_password}},
      {"an invited user whose temporary password expired is refused",
       {.mfa = mfa_mode::off,
        .status = user_status::force_change_password,
        .temporary_password_expired = true},
       {.what = kind::refuse, .refusal = reason::temporary_password_expired}},
      {"a disabled invited user is refused as disabled",
       {.mfa = mfa_mode::off, .status = user_status::force_change_password, .enabled = false},
       {.what = kind::refuse, .refusal = reason::user_disabled}},

      {"MFA off: tokens, even with TOTP set up",
       {.mfa = mfa_mode::off, .second_factors = {totp(false, true, true)}},
       {.what = kind::tokens}},
      {"optional, nothing set up: tokens",
       {.mfa = mfa_mode::optional, .second_factors = {totp(true, false)}},
       {.what = kind::tokens}},
      {"optional, TOTP set up: SOFTWARE_TOKEN_MFA",
       {.mfa = mfa_mode::optional, .second_factors = {totp(true, true)}},
       {.what = kind::challenge, .factor = factor_kind::totp}},
      {"required, TOTP set up: SOFTWARE_TOKEN_MFA",
       {.mfa = mfa_mode::required, .second_factors = {totp(true, true)}},
       {.what = kind::challenge, .factor = factor_kind::totp}},
      {"required, nothing set up: MFA_SETUP with what the pool offers",
       {.mfa = mfa_mode::required, .second_factors = {totp(true, false), email(false, false)}},
       {.what = kind::mfa_setup, .options = {factor_kind::totp}}},
      {"required, both offered, nothing set up: MFA_SETUP lists both",
       {.mfa = mfa_mode::required, .second_factors = {totp(true, false), email(true, false)}},
       {.what = kind::mfa_setup, .options = {factor_kind::totp, factor_kind::email_otp}}},
      {"a factor the pool no longer offers does not count",
       {.mfa = mfa_mode::optional, .second_factors = {totp(false, true, true)}},
       {.what = kind::tokens}},
      {"two set up, none preferred: SELECT_MFA_TYPE",
       {.mfa = mfa_mode::optional, .second_factors = {totp(true, true), email(true, true)}},
       {.what = kind::select_mfa_type, .options = {factor_kind::totp, factor_kind::email_otp}}},
      {"two set up, one preferred: that one",
       {.mfa = mfa_mode::required, .second_factors = {totp(true, true), email(true, true, true)}},
       {.what = kind::challenge, .factor = factor_kind::email_otp}},
      {"required with nothing to set up: refused, never let in without MFA",
       {.mfa = mfa_mode::required, .second_factors = {totp(false, false)}},
       {.what = kind::refuse, .refusal = reason::mfa_unavailable}},
  };
  for (const auto& r : table) {
    EXPECT_EQ(decide_next_step(r.in), r.out) << r.name;
  }
}

TEST(NextStep, NamesMfaFactorsAsCognitoDoes) {
  EXPECT_EQ(mfa_wire_name(factor_kind::totp), "SOFTWARE_TOKEN_MFA");
  EXPECT_EQ(mfa_wire_name(factor_kind::email_otp), "EMAIL_OTP");
}

}  // namespace
}  // namespace cognate::auth
