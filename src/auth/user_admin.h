#pragma once
// What an operator does to a pool's users with a signed call (protocol doc cognito-admin-api.md
// §3, §5): read one (AdminGetUser) or list them with Cognito's filter grammar (ListUsers), delete,
// disable and enable, confirm a sign-up, require a password reset, set a password, sign a user out
// everywhere, and reset a lost authenticator. A user is named by user name (the sub), email alias
// or sub. Each change is one transaction with its audit row naming the credential that made it.
//
// Blocking (store; SRP verifiers); call from worker threads. Thread-safe.

#include "auth/factors.h"
#include "auth/sign_in_events.h"
#include "auth/user_profile.h"
#include "common/clock.h"
#include "common/error.h"
#include "crypto/sealer.h"
#include "pool/attributes.h"
#include "pool/code_book.h"

#include "pool/directory.h"
#include "store/store.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cognate::auth {

// A user as AdminGetUser and ListUsers describe it.
struct admin_user {
  user_profile profile;  // user name, attributes, MFA settings
  time_point created_at;
  time_point updated_at;
  bool enabled = true;
  std::string status;  // UNCONFIRMED, CONFIRMED, RESET_REQUIRED
};

struct user_page {
  std::vector<admin_user> users;
  std::string next_token;  // "" on the last page
};

struct auth_event_page {
  std::vector<auth_event> events;
  std::string next_token;  // "" on the last page
};

struct user_admin_options {
  std::string default_from = "Cognate <no-reply@cognate.localhost>";
  std::chrono::seconds reset_code_lifetime = std::chrono::hours(1);
};

// AdminCreateUser's input.
struct create_user_request {
  std::string username;  // an email (Gen 2 pools sign in by email)
  pool::attribute_list attributes;  // may include email_verified ("true" skips verification)
  std::optional<std::string> temporary_password;  // generated when absent
  std::string message_action;  // "" (send the invitation), "RESEND", "SUPPRESS"
  std::vector<std::string> delivery_mediums;  // EMAIL (the default here: no SMS)
};

class user_admin {
 public:
  user_admin(store::store& store, const crypto::sealer& sealer, const clock& clock,
             const factor_set& factors, user_admin_options options,
             std::function<void()> mail_queued);

  // AdminCreateUser: a FORCE_CHANGE_PASSWORD user whose temporary password works for 7 days and
  // once (the first sign-in answers NEW_PASSWORD_REQUIRED), invited by email with the pool's
  // invitation template unless SUPPRESS. RESEND: a new temporary password for a user still in
  // FORCE_CHANGE_PASSWORD, the clock restarted, the invitation sent again. Failures:
  // username_exists "User account already exists", invalid_parameter, invalid_password,
  // user_not_found (RESEND).
  result<admin_user> create_user(const pool::pool_entry& pool, const create_user_request& request,
                                 const std::string& actor) const;

  // AdminGetUser. Failure: user_not_found "User does not exist.".
  result<admin_user> get(const pool::pool_entry& pool, const std::string& username) const;

  // ListUsers: `filter` in Cognito's grammar (`email ^= "ali"`, `status = "Disabled"`,
  // `cognito:user_status = "CONFIRMED"`; "" for all), at most `limit` users (1–60) after the
  // position `token` names (from an earlier page of the same pool and filter). Failures:
  // invalid_parameter for a filter or token this server cannot read.
  result<user_page> list(const pool::pool_entry& pool, const std::string& filter, int limit,
                         const std::string& token) const;

  // AdminListUserAuthEvents: the user's sign-ins (each step with a password or a code, with the
  // caller's address and user agent) and account events (sign-up, password changes, code
  // requests) as auth_event_of() shows them, newest first, at most `limit` (1–60) after the
  // position `token` names (from an earlier page of the same user). Failures: user_not_found,
  // invalid_parameter "Invalid NextToken.".
  result<auth_event_page> auth_events(const pool::pool_entry& pool, const std::string& username,
                                      int limit, const std::string& token) const;

  // AdminUpdateUserAttributes: as UpdateUserAttributes (self_service.h), and the operator may
  // set email_verified. A new email waits, verified by the code sent to it, unless the same
  // request says email_verified "true" (then it changes at once). Failures as the user's, and
  // alias_exists when an immediate email belongs to another user.
  result<void> update_attributes(const pool::pool_entry& pool, const std::string& username,
                                 const pool::attribute_list& attributes,
                                 const std::string& actor) const;
  // AdminDeleteUserAttributes. Required attributes (email) cannot go.
  result<void> delete_attributes(const pool::pool_entry& pool, const std::string& username,
                                 const std::vector<std::string>& names,
                                 const std::string& actor) const;

  // The changes; `actor` is the credential's name, for the audit row. Each fails with
  // user_not_found for an unknown user.
  result<void> delete_user(const pool::pool_entry& pool, const std::string& username,
                           const std::string& actor) const;
  // Disabling also revokes every refresh token: the user's tokens are refused at once.
  result<void> set_enabled(const pool::pool_entry& pool, const std::string& username, bool enabled,
                           const std::string& actor) const;
  // UNCONFIRMED → CONFIRMED. not_authorized when the user is not UNCONFIRMED.
  result<void> confirm_sign_up(const pool::pool_entry& pool, const std::string& username,
                               const std::string& actor) const;
  // CONFIRMED → RESET_REQUIRED, every sign-in ended, and a reset code mailed when the email is
  // verified. not_authorized when the user is not CONFIRMED.
  result<void> reset_password(const pool::pool_entry& pool, const std::string& username,
                              const std::string& actor) const;
  // AdminSetUserPassword: permanent → CONFIRMED (from any status); otherwise a temporary
  // password → FORCE_CHANGE_PASSWORD for 7 days. The lockout is cleared. invalid_password.
  result<void> set_password(const pool::pool_entry& pool, const std::string& username,
                            const std::string& password, bool permanent,
                            const std::string& actor) const;
  // Revokes every refresh token (and so the access tokens of those sign-ins).
  result<void> global_sign_out(const pool::pool_entry& pool, const std::string& username,
                               const std::string& actor) const;
  // A lost authenticator: `totp_enabled` false deletes the user's TOTP secret, so the next
  // sign-in of an MFA REQUIRED pool sets one up again (MFA_SETUP); true needs a verified one.
  result<void> set_totp(const pool::pool_entry& pool, const std::string& username,
                        bool totp_enabled, std::optional<bool> preferred,
                        const std::string& actor) const;
  // Email codes: `enabled` false removes the factor (a mailbox the user lost: the next sign-in of
  // an MFA REQUIRED pool asks to set a factor up); true adds it (the pool must offer email MFA).
  // Failure: email_mfa_not_enabled_by_pool.
  result<void> set_email_mfa(const pool::pool_entry& pool, const std::string& username,
                             bool enabled, std::optional<bool> preferred,
                             const std::string& actor) const;

 private:
  result<store::user_account> find(store::transaction& tx, const pool::pool_entry& pool,
                                   const std::string& username) const;
  admin_user describe(const pool::pool_entry& pool, const store::user_account& a) const;

  store::store& store_;
  const crypto::sealer& sealer_;
  const clock& clock_;
  const factor_set& factors_;
  std::function<void()> mail_queued_;
  pool::code_book codes_;
  pool::code_kind reset_kind_;
  pool::code_kind verify_email_;
};

// The UserStatus Cognito names a status with.
std::string_view status_name(store::user_status s);

}  // namespace cognate::auth
