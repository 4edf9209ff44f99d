#pragma once
// Everything the API needs from sign-in, wired once: the access check, factors, Sessions,
// tokens, the sign-in flow and MFA settings. Safe for concurrent use; members outlive requests.

#include "auth/access_guard.h"
#include "auth/factors.h"
#include "auth/group_admin.h"
#include "auth/lockout.h"
#include "auth/mfa_settings.h"
#include "auth/operator_guard.h"
#include "auth/self_service.h"
#include "auth/user_admin.h"
#include "auth/user_migration.h"
#include "auth/session_service.h"
#include "auth/sign_in.h"
#include "auth/token_service.h"
#include "common/clock.h"
#include "crypto/sealer.h"
#include "store/store.h"

#include <chrono>
#include <functional>
#include <string>

namespace cognate::auth {

struct auth_options {
  std::chrono::seconds srp_timestamp_skew = std::chrono::minutes(5);
  lockout_policy lockout;
  std::string default_from = "Cognate <no-reply@cognate.localhost>";  // mail with no pool sender
  std::function<void()> mail_queued = [] {};  // called after a commit that queued mail
  const user_migration* migration = nullptr;    // lazy migration from an old pool, if any
};

struct services {
  services(store::store& store, const crypto::sealer& sealer, const clock& clock,
           auth_options options = {})
      : guard(store, clock),
        operators(store, sealer, clock),
        factors(sealer, options.srp_timestamp_skew, options.default_from),
        sessions(sealer, clock),
        tokens(store, clock),
        flow(store, sealer, clock, factors, sessions, tokens, options.lockout, options.mail_queued,
             options.migration),
        mfa(store, clock, factors, sessions),
        account(store, sealer, clock, factors,
                {.default_from = options.default_from, .lockout = options.lockout},
                options.mail_queued),
        admin(store, sealer, clock, factors, {.default_from = options.default_from},
              options.mail_queued),
        groups(store, clock) {}

  access_guard guard;
  operator_guard operators;

  factor_set factors;
  session_service sessions;
  token_service tokens;
  sign_in flow;
  mfa_settings mfa;
  self_service account;
  user_admin admin;
  group_admin groups;


};

}  // namespace cognate::auth
