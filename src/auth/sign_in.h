#pragma once
// Sign-in (InitiateAuth, RespondToAuthChallenge; protocol doc §3–§5): a flow over factors.
//
//   USER_SRP_AUTH ──► PASSWORD_VERIFIER ─┐
//   USER_PASSWORD_AUTH ──────────────────┼─► next-step policy ─► tokens
//                                        ├─► SOFTWARE_TOKEN_MFA | EMAIL_OTP ─► tokens
//                                        ├─► SELECT_MFA_TYPE ─► SOFTWARE_TOKEN_MFA | EMAIL_OTP
//                                        └─► MFA_SETUP ─┬─► Associate ─► Verify ─► MFA_SETUP ─►
//                                                       │   tokens
//                                                       └─► {EMAIL} ─► EMAIL_OTP ─► tokens
//   REFRESH_TOKEN_AUTH ─────────────────────────────────────────────────────────► tokens
//
// NEW_PASSWORD_REQUIRED (an operator-created user's temporary password) comes after the password
// proof and continues into MFA like any correct password.
//
// A first factor is checked by its factor (factors.h) with the lockout of lockout.h: the attempt
// is counted in one transaction before the proof is evaluated, outside any transaction; then one
// transaction resets the count and stores the next step the policy (next_step.h) chose — tokens,
// or a challenge Session (session_service.h). Each later step is one transaction. Unknown user
// names get the same answers as wrong passwords unless the app client turned
// PreventUserExistenceErrors off. Each step with a password or a code is an audit event written
// in those transactions, with the caller's `call_origin` (sign_in_events.h).
//
// Blocks on the store and on CPU work (SRP, RSA); call from worker threads. Safe for concurrent
// use.

#include "auth/factors.h"
#include "auth/lockout.h"
#include "auth/next_step.h"
#include "auth/session_service.h"
#include "auth/sign_in_events.h"
#include "auth/token_service.h"
#include "auth/user_migration.h"
#include "common/clock.h"
#include "common/error.h"
#include "crypto/sealer.h"
#include "pool/directory.h"
#include "store/store.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cognate::auth {

// The answer to InitiateAuth / RespondToAuthChallenge: a challenge or tokens.
struct auth_step {
  std::string challenge_name;  // empty when tokens are issued
  std::string session;
  string_map parameters;
  std::vector<std::string> available_challenges;  // SELECT_CHALLENGE (USER_AUTH) only
  std::optional<token_set> tokens;
};

class sign_in {
 public:
  // `mail_queued` is called after a commit that queued mail (an EMAIL_OTP code). `migration`,
  // when given, moves users in from an old pool at their first password sign-in here.
  sign_in(store::store& store, const crypto::sealer& sealer, const clock& clock,
          const factor_set& factors, const session_service& sessions,
          const token_service& tokens, lockout_policy lockout_policy = {},
          std::function<void()> mail_queued = [] {}, const user_migration* migration = nullptr);

  // Failures: invalid_parameter (a flow the client does not allow, missing parameters),
  // not_authorized "Incorrect username or password." / "Password attempts exceeded",
  // user_not_confirmed and not_authorized "User is disabled." (after a correct password only),
  // user_not_found (unknown names, PreventUserExistenceErrors off only).
  result<auth_step> initiate_auth(const pool::client_entry& client, const std::string& flow,
                                  const string_map& parameters, const call_origin& from = {});
  // AdminInitiateAuth (a server-side app with an operator key): ADMIN_USER_PASSWORD_AUTH (and
  // its old name ADMIN_NO_SRP_AUTH) when the client allows ALLOW_ADMIN_USER_PASSWORD_AUTH, and
  // the flows InitiateAuth has. Failures as initiate_auth.
  result<auth_step> admin_initiate_auth(const pool::client_entry& client, const std::string& flow,
                                        const string_map& parameters,
                                        const call_origin& from = {});
  // Failures as above, plus not_authorized "Invalid session for the user." (…expired),
  // code_mismatch for a wrong MFA code (the Session stays for a retry), invalid_parameter for a
  // challenge this server does not have.
  result<auth_step> respond_to_auth_challenge(const pool::client_entry& client,
                                              const std::string& challenge_name,
                                              const std::string& session,
                                              const string_map& responses,
                                              const call_origin& from = {});

 private:
  struct prepared_step;
  result<auth_step> start_srp(const pool::client_entry& client, const string_map& parameters);
  result<auth_step> password_auth(const pool::client_entry& client, const string_map& parameters,
                                  const call_origin& from);
  result<auth_step> answer_password_verifier(const pool::client_entry& client,
                                             const std::string& session,
                                             const string_map& responses,
                                             const call_origin& from);
  result<auth_step> answer_mfa(const pool::client_entry& client, const std::string& session,
                               step mfa_step, const string_map& responses,
                               const call_origin& from);
  result<auth_step> finish_mfa_setup(const pool::client_entry& client, const std::string& session,
                                     const call_origin& from);
  // MFA_SETUP answered with EMAIL: the code for setting email MFA up.
  result<auth_step> start_email_setup(const pool::client_entry& client, const std::string& session,
                                      const std::string& address);
  result<auth_step> answer_select_mfa_type(const pool::client_entry& client,
                                           const std::string& session,
                                           const string_map& responses);
  result<auth_step> answer_new_password(const pool::client_entry& client,
                                        const std::string& session, const string_map& responses,
                                        const call_origin& from);

  // One password attempt, counted (or found locked), with its audit event written as failed.
  struct counted_attempt {
    store::user_record user;
    attempt outcome;
    std::int64_t event = 0;  // the audit row, for after_first_factor to settle
  };
  // Counts one password attempt of the user in a transaction of its own (lockout.h); nullopt
  // when the user is gone.
  result<std::optional<counted_attempt>> count_attempt(const pool::client_entry& client,
                                                       const std::string& user_id,
                                                       time_point now, const call_origin& from);
  // The same for a name no user has, keyed by its fake USER_ID_FOR_SRP: its state is a decoy row
  // (store/code_repository.h), so it locks after the failures a user would, on every node.
  result<attempt> count_decoy_attempt(const pool::client_entry& client,
                                      const std::string& decoy_id, time_point now,
                                      const call_origin& from);
  // After a first factor: refuses a wrong proof, else resets the lockout count, settles the
  // attempt's audit `event` (0: none was written; a new one is) and stores the next step, in one
  // transaction.
  result<auth_step> after_first_factor(const pool::client_entry& client,
                                       const store::user_account& seen, bool correct,
                                       std::int64_t event, const call_origin& from);
  // A name no user of the pool has, with its password: when the old pool proves them
  // (user_migration.h), creates the user here — confirmed, that password, the old pool's
  // attributes the schema takes — and returns true (also when another call created it
  // meanwhile). False: not proven, or no migration into this pool.
  result<bool> migrate(const pool::client_entry& client, const std::string& username,
                       const std::string& password, const call_origin& from);
  // Inside `tx`: the audit event of a correct password whose next step is `decision`.
  result<void> record_password_step(store::transaction& tx, const pool::client_entry& client,
                                    const store::user_record& user, const next_step& decision,
                                    std::int64_t event, const call_origin& from) const;
  next_step decide(const pool::pool_entry& pool, const store::user_account& a) const;
  result<prepared_step> prepare(const pool::client_entry& client, const store::user_account& a,
                                const next_step& decision) const;
  // A Session continued by RespondToAuthChallenge `name` (issued to `client`) and its user's
  // account, as one read sees them. Failures: find()'s, invalid_session when the user is gone.
  struct session_read {
    live_session s;
    store::user_account a;
  };
  result<session_read> read_session(const pool::client_entry& client, const std::string& session,
                                    std::string_view name) const;
  // The Session of challenge `s` that `start` began for `user` (with its code to mail, if any).
  prepared_step challenge_step(const pool::client_entry& client, const store::user_record& user,
                               step s, challenge_start start) const;
  result<void> store_prepared(store::transaction& tx, const prepared_step& p) const;
  // After the commit that stored `p`: wakes the mail sender when it queued a code.
  void announce(const prepared_step& p) const;

  store::store& store_;
  const crypto::sealer& sealer_;
  const clock& clock_;
  const factor_set& factors_;
  const session_service& sessions_;
  const token_service& tokens_;
  lockout lockout_;
  std::function<void()> mail_queued_;
  const user_migration* migration_;
};

}  // namespace cognate::auth
