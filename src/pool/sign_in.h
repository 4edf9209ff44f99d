#pragma once
// Sign-in as a state machine of challenges, and what signed-in users do with their tokens
// (protocol doc §3–§8). Transport-agnostic: plain values in, values or Cognito-named failures out.
//
//   USER_SRP_AUTH ──► PASSWORD_VERIFIER ─┐
//   USER_PASSWORD_AUTH ──────────────────┼─► (MFA policy) ─► tokens
//                                        ├─► SOFTWARE_TOKEN_MFA ─► tokens
//                                        └─► MFA_SETUP ─► Associate ─► Verify ─► MFA_SETUP ─► tokens
//
// Each step answers a fresh Session (random, stored hashed, 3-minute life, bound to user, client
// and the one step it may continue with). Password proofs are counted before they are checked,
// in one transaction, so parallel guesses cannot exceed the lockout threshold. TOTP codes are
// accepted once: the accepted time step is recorded with a compare-and-set.
//
// Methods block on the store and on CPU work (SRP, RSA); call them from worker threads. Safe for
// concurrent use.

#include "common/clock.h"
#include "common/error.h"
#include "crypto/sealer.h"
#include "pool/live_settings.h"
#include "pool/user_pool.h"
#include "store/store.h"
#include "pool/signing_keys.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cognate::pool {

using string_map = std::map<std::string, std::string>;

struct token_set {
  std::string access_token;
  std::string id_token;
  std::string refresh_token;  // empty on refresh
  int expires_in = 3600;
};

// The answer to InitiateAuth / RespondToAuthChallenge: a challenge or tokens.
struct auth_step {
  std::string challenge_name;  // empty when tokens are issued
  std::string session;
  string_map parameters;
  std::optional<token_set> tokens;
};

struct sign_in_options {
  std::string issuer;  // "iss" of every token, e.g. "http://127.0.0.1:9339/us-east-1_AbC"
  std::string pool_url;  // where this pool's .well-known documents are served (may differ from issuer)
  std::chrono::seconds session_lifetime = std::chrono::minutes(3);
  std::chrono::seconds token_lifetime = std::chrono::hours(1);
  std::chrono::seconds refresh_lifetime = std::chrono::hours(24 * 30);
  std::chrono::seconds timestamp_skew = std::chrono::minutes(5);
  int lockout_threshold = 5;                                // failed proofs before lockout
  std::chrono::seconds first_lockout = std::chrono::seconds(30);  // doubles per extra failure
  std::chrono::seconds max_lockout = std::chrono::minutes(15);
  int max_mfa_attempts = 5;  // wrong codes per Session
};

struct user_profile {
  std::string username;  // UUID
  string_map attributes;  // includes sub, email, email_verified
  std::vector<std::string> mfa_settings;  // "SOFTWARE_TOKEN_MFA"
  std::string preferred_mfa;
};

struct associate_result {
  std::string secret_code;  // base32
  std::string session;      // only when called with a Session
};

struct verify_result {
  std::string session;  // only when called with a Session
};

// Exactly one of access_token / session is set (the API layer checks).
struct token_or_session {
  std::optional<std::string> access_token;
  std::optional<std::string> session;
};

struct mfa_preference {
  std::optional<bool> enabled;
  std::optional<bool> preferred;
};

class sign_in {
 public:
  sign_in(store::store& store, const crypto::sealer& sealer, const clock& clock,
          const live_settings& settings, const pool_options& pool, sign_in_options options,
          signing_keys& keys);

  result<auth_step> initiate_auth(const std::string& client_id, const std::string& flow,
                                  const string_map& parameters);
  result<auth_step> respond_to_auth_challenge(const std::string& client_id,
                                              const std::string& challenge_name,
                                              const std::string& session,
                                              const string_map& responses);

  result<associate_result> associate_software_token(const token_or_session& who);
  result<verify_result> verify_software_token(const token_or_session& who,
                                              const std::string& user_code);
  result<void> set_user_mfa_preference(const std::string& access_token,
                                       const std::optional<mfa_preference>& totp,
                                       const std::optional<mfa_preference>& sms,
                                       const std::optional<mfa_preference>& email);

  result<user_profile> get_user(const std::string& access_token);
  result<void> global_sign_out(const std::string& access_token);
  result<void> revoke_token(const std::string& client_id, const std::string& token);
  result<token_set> refresh(const std::string& client_id, const std::string& refresh_token);

  const signing_keys& keys() const { return keys_; }
  const std::string& issuer() const { return options_.issuer; }
  const std::string& pool_url() const { return options_.pool_url; }

 private:
  struct session_row;
  result<auth_step> start_srp(const std::string& client_id, const string_map& parameters);
  result<auth_step> password_auth(const std::string& client_id, const string_map& parameters);
  result<auth_step> refresh_auth(const std::string& client_id, const string_map& parameters);
  result<auth_step> password_verifier(const std::string& client_id, const session_row& s,
                                      const string_map& responses);
  result<auth_step> software_token_mfa(const std::string& client_id, const session_row& s,
                                       const string_map& responses);
  result<auth_step> mfa_setup(const std::string& client_id, const session_row& s);

  // Counts a password attempt before it is checked; fails when the account is locked out.
  struct reserved {
    store::user_record user;
    bool has_totp = false;  // TOTP is set up and enabled
  };
  result<reserved> reserve_attempt(const std::string& user_id);
  result<auth_step> finish_password(const std::string& client_id, bool correct,
                                    const reserved& attempt);
  // Tokens for a completed sign-in and the refresh-token row that goes with them.
  struct minted {
    token_set tokens;
    store::refresh_token_record refresh;
  };
  result<minted> mint_sign_in(const std::string& client_id, const store::user_record& user);
  result<void> store_sign_in(store::transaction& tx, const minted& m);
  result<auth_step> issue_tokens(const std::string& client_id, const store::user_record& user);
  result<token_set> mint(const store::user_record& user, const std::string& client_id,
                         const std::string& origin_jti, time_point auth_time);

  // A challenge Session: the handle the client gets and the row to insert.
  struct pending_session {
    std::string handle;
    store::auth_session_record record;
  };
  pending_session make_session(const std::string& user_id, const std::string& client_id,
                               const std::string& step, const std::string& state) const;
  result<std::string> new_session(const std::string& user_id, const std::string& client_id,
                                  const std::string& step, const std::string& state);

  // What follows a correct first factor, made but not yet stored: tokens with their refresh-token
  // row, or a challenge Session (SOFTWARE_TOKEN_MFA, or MFA_SETUP when TOTP is required but not
  // set up yet). Exactly one is set.
  struct prepared_step {
    std::optional<minted> tokens;
    std::optional<pending_session> challenge;
  };
  result<prepared_step> prepare_next_step(const std::string& client_id,
                                          const store::user_record& user, bool has_totp);
  result<void> store_next_step(store::transaction& tx, const prepared_step& step);
  static auth_step answer(prepared_step&& step);
  // Loads a Session after checking it belongs to `client_id` (empty: any) and continues with one
  // of `steps`; steps without a code to retry consume it.
  result<session_row> take_session(const std::string& client_id, const std::string& session,
                                   std::initializer_list<std::string_view> steps);
  result<void> count_wrong_code(const session_row& s);
  struct signed_in;
  result<signed_in> user_from_access_token(const std::string& access_token);
  result<store::user_record> load_user(const std::string& user_id);
  // Checks a TOTP code (of the pending secret when enrolling) and spends its time step; on
  // success also deletes the Session whose hash is `end_session` (if any) and stores `tokens`
  // (if any), in the same transaction, and returns the updated user. nullopt: the code is wrong.
  result<std::optional<store::user_record>> accept_totp(const std::string& user_id,
                                                        const std::string& code, bool from_pending,
                                                        const std::string& end_session = {},
                                                        const minted* tokens = nullptr);
  failure totp_not_enabled() const;
  bool totp_allowed() const;

  store::store& store_;
  const crypto::sealer& sealer_;
  const clock& clock_;
  const live_settings& settings_;
  const pool_options& pool_;
  sign_in_options options_;
  signing_keys& keys_;
  bytes fake_key_;
};

}  // namespace cognate::pool
