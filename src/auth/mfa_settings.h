#pragma once
// A user's MFA settings: TOTP enrolment (AssociateSoftwareToken → VerifySoftwareToken), either
// signed in (AccessToken) or inside the MFA_SETUP step of a sign-in (Session), and the
// preferences of SetUserMFAPreference. Each operation is one transaction (after a read, when a
// code must be checked first). Blocks on the store; safe for concurrent use.

#include "auth/access_guard.h"
#include "auth/factors.h"
#include "auth/session_service.h"
#include "common/clock.h"
#include "common/error.h"
#include "pool/directory.h"
#include "store/store.h"

#include <optional>
#include <string>

namespace cognate::auth {

struct associate_result {
  std::string secret_code;  // base32
  std::string session;      // only when called with a Session
};

struct verify_result {
  std::string session;  // only when called with a Session
};

// One factor's part of SetUserMFAPreference.
struct mfa_preference {
  std::optional<bool> enabled;
  std::optional<bool> preferred;
};

class mfa_settings {
 public:
  mfa_settings(store::store& store, const clock& clock, const factor_set& factors,
               const session_service& sessions)
      : store_(store), clock_(clock), factors_(factors), sessions_(sessions) {}

  // A new secret for the signed-in caller. Failures: software_token_mfa_not_found when the pool
  // has no TOTP.
  result<associate_result> associate(const caller& who) const;
  // A new secret inside MFA_SETUP: spends the Session and answers the next one (Associate may be
  // repeated before Verify). Failures: invalid or expired Session, software_token_mfa_not_found.
  result<associate_result> associate(const pool::directory_snapshot& directory,
                                     const std::string& session) const;
  // Proves the associated secret with a code: TOTP becomes the caller's enabled, preferred
  // factor. Failures: software_token_mfa_not_found (nothing associated), enable_software_token_mfa
  // (wrong code).
  result<verify_result> verify(const caller& who, const std::string& user_code) const;
  // The same inside MFA_SETUP: a wrong code keeps the Session (counted, up to its cap); a right
  // one answers the Session that RespondToAuthChallenge MFA_SETUP finishes.
  result<verify_result> verify(const pool::directory_snapshot& directory,
                               const std::string& session, const std::string& user_code) const;
  // SetUserMFAPreference: TOTP (once set up) and email (when the pool offers it; enabling it makes
  // the factor); at most one preferred. SMS is refused (not supported yet).
  result<void> set_preference(const caller& who, const std::optional<mfa_preference>& totp,
                              const std::optional<mfa_preference>& sms,
                              const std::optional<mfa_preference>& email) const;

 private:
  store::store& store_;
  const clock& clock_;
  const factor_set& factors_;
  const session_service& sessions_;
};

}  // namespace cognate::auth
