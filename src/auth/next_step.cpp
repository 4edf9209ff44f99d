#include "auth/next_step.h"

namespace cognate::auth {

next_step decide_next_step(const next_step_input& in) {
  using enum next_step::kind;
  if (in.status == store::user_status::unconfirmed) {
    return {.what = refuse, .refusal = reason::user_not_confirmed};
  }
  if (in.status == store::user_status::reset_required) {
    return {.what = refuse, .refusal = reason::password_reset_required};
  }

  if (!in.enabled) {
    return {.what = refuse, .refusal = reason::user_disabled};
  }
  if (in.status == store::user_status::force_change_password) {
    if (in.temporary_password_expired) {
      return {.what = refuse, .refusal = reason::temporary_password_expired};
    }
    return {.what = new_password};  // MFA follows once the new password is set
  }
  if (in.mfa == pool::mfa_mode::off) {
    return {.what = tokens};
  }
  std::vector<factor_kind> usable;
  for (const auto& f : in.second_factors) {
    if (f.allowed && f.enrolled) {
      if (f.preferred) {
        return {.what = challenge, .factor = f.kind};  // 1. enabled and preferred
      }
      usable.push_back(f.kind);
    }
  }
  if (usable.size() == 1) {
    return {.what = challenge, .factor = usable.front()};  // 3. the only one
  }
  if (usable.size() > 1) {
    return {.what = select_mfa_type, .options = usable};  // 2. several, none preferred
  }
  if (in.mfa == pool::mfa_mode::optional) {
    return {.what = tokens};
  }
  std::vector<factor_kind> can_set_up;  // 4. required, nothing usable yet
  for (const auto& f : in.second_factors) {
    if (f.allowed) {
      can_set_up.push_back(f.kind);
    }
  }
  if (can_set_up.empty()) {
    // MFA required with no factor to set up: auth.json refuses such a pool, so only a damaged
    // one gets here. Refuse rather than let the user in without MFA.
    return {.what = refuse, .refusal = reason::mfa_unavailable};
  }
  return {.what = mfa_setup, .options = can_set_up};
}

std::string_view mfa_wire_name(factor_kind kind) {
  switch (kind) {
    case factor_kind::totp:
      return "SOFTWARE_TOKEN_MFA";
    case factor_kind::email_otp:
      return "EMAIL_OTP";
    case factor_kind::password:
      return "PASSWORD";
    case factor_kind::srp:
      return "PASSWORD_SRP";
  }
  return "";
}

}  // namespace cognate::auth
