#pragma once
// What signed-in users do to their own account with their access token (protocol docs
// cognito-api.md §3, cognito-admin-api.md §8): change the password, change and verify
// attributes, delete attributes, delete the account. The caller was checked by access_guard;
// each change re-reads the user in its own transaction.
//
// Email change (Gen 2's keep-original setting): the new address waits as the user's pending
// email and gets a code; until VerifyUserAttribute accepts that code the old address stays the
// sign-in name and the verified address. The new address is checked against other users when it
// is verified — after its owner proved they read the mail — so that no caller learns whose
// address is taken without reading that mailbox (AliasExistsException then).
//
// Blocking (store; SRP verifiers); call from worker threads. Thread-safe.

#include "auth/access_guard.h"
#include "auth/factors.h"
#include "auth/lockout.h"
#include "common/clock.h"
#include "common/error.h"
#include "crypto/sealer.h"
#include "pool/attributes.h"
#include "pool/code_book.h"
#include "store/store.h"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace cognate::auth {

struct self_service_options {
  std::string default_from = "Cognate <no-reply@cognate.localhost>";
  std::chrono::seconds verification_code_lifetime = std::chrono::hours(24);
  pool::code_limits code_limits;
  lockout_policy lockout;
};

class self_service {
 public:
  // `mail_queued` is called after a commit that queued an email.
  self_service(store::store& store, const crypto::sealer& sealer, const clock& clock,
               const factor_set& factors, self_service_options options,
               std::function<void()> mail_queued);

  // ChangePassword. The previous password is one attempt of the lockout, as at sign-in.
  // Failures: invalid_password (policy), not_authorized "Incorrect username or password." /
  // "Password attempts exceeded".
  result<void> change_password(const caller& who, const std::string& previous,
                               const std::string& proposed) const;

  // UpdateUserAttributes: applies the attributes, a blank value deleting; a new email becomes
  // pending and gets a code. Returns the deliveries of the attributes now awaiting verification
  // (none when nothing awaits). Failures: invalid_parameter (schema, immutable, malformed email),
  // not_authorized (server-only attributes), limit_exceeded (codes).
  result<std::vector<pool::code_delivery>> update_attributes(
      const caller& who, const pool::attribute_list& attributes) const;
  // DeleteUserAttributes. Failures as update_attributes (required attributes cannot go).
  result<void> delete_attributes(const caller& who, const std::vector<std::string>& names) const;

  // GetUserAttributeVerificationCode: a code to the pending email if there is one, else to the
  // current one. Failures: invalid_parameter (not "email"), limit_exceeded.
  result<pool::code_delivery> send_verification_code(const caller& who,
                                                     const std::string& attribute) const;
  // VerifyUserAttribute: the code makes the pending email the user's (verified) email, or marks
  // the current one verified. Failures: code_mismatch, expired_code, alias_exists,
  // invalid_parameter (not "email").
  result<void> verify_attribute(const caller& who, const std::string& attribute,
                                const std::string& code) const;

  // DeleteUser: the user and everything that is theirs (factors, codes, Sessions, refresh
  // tokens, group memberships, mail not sent yet) go in one transaction; audit rows stay. The user's access tokens
  // are refused from then on, on every node (access_guard finds no user).
  result<void> delete_user(const caller& who) const;

 private:
  store::store& store_;
  const crypto::sealer& sealer_;
  const clock& clock_;
  const factor_set& factors_;
  lockout lockout_;
  std::function<void()> mail_queued_;
  pool::code_book codes_;
  pool::code_kind verify_email_;
};

}  // namespace cognate::auth
