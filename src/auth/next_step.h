#pragma once
// The next-step policy: what follows a correct first factor — tokens, one MFA challenge, a choice
// of MFA (SELECT_MFA_TYPE), MFA set-up (MFA_SETUP), or a refusal — from the user, their factors
// and the pool's MFA mode alone (AWS's decision list, protocol doc "MFA factor selection").
// Pure and total: a table of cases is its unit test. USER_AUTH's SELECT_CHALLENGE plugs in here
// as a further row.

#include "auth/factor.h"
#include "common/reasons.h"
#include "pool/settings.h"
#include "store/store.h"

#include <string_view>
#include <vector>

namespace cognate::auth {

// One second factor as the policy sees it for this user.
struct second_factor {
  factor_kind kind;
  bool allowed = false;    // the pool offers it
  bool enrolled = false;   // the user set it up and enabled it
  bool preferred = false;  // the user prefers it
};

struct next_step_input {
  pool::mfa_mode mfa = pool::mfa_mode::off;
  store::user_status status = store::user_status::confirmed;
  bool enabled = true;
  bool temporary_password_expired = false;    // FORCE_CHANGE_PASSWORD past its validity
  std::vector<second_factor> second_factors;  // every second factor the server has
};

struct next_step {
  enum class kind {
    tokens,           // signed in
    challenge,        // ask for `factor`
    select_mfa_type,  // let the user choose among `options` (MFAS_CAN_CHOOSE)
    mfa_setup,        // make the user set up one of `options` (MFAS_CAN_SETUP)
    refuse,           // answer `refusal`
    new_password,     // NEW_PASSWORD_REQUIRED: an operator's temporary password must be replaced
  };
  kind what = kind::tokens;
  factor_kind factor = factor_kind::totp;
  std::vector<factor_kind> options;
  reason refusal = reason::incorrect_credentials;

  bool operator==(const next_step&) const = default;
};

next_step decide_next_step(const next_step_input& in);

// The ChallengeName (and MFAS_* entry) of an MFA factor: "SOFTWARE_TOKEN_MFA", "EMAIL_OTP".
std::string_view mfa_wire_name(factor_kind kind);

}  // namespace cognate::auth
