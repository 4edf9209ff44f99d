#pragma once
// Account recovery by emailed code (ForgotPassword, ConfirmForgotPassword; protocol docs
// cognito-api.md §3, cognito-admin-api.md §8). A code goes to the user's verified email; the
// next sign-in does MFA as usual (recovery never hands out tokens).
//
// Who may reset: enabled users whose email is verified, CONFIRMED or RESET_REQUIRED. Everyone
// else — unknown names, disabled and unverified users — gets the answers a user who never
// receives the code would see (code_book decoys), unless the app client turned
// PreventUserExistenceErrors off (then Cognito's LEGACY errors). A successful reset sets a new
// SRP verifier, makes the user CONFIRMED, clears the lockout, ends the user's challenge Sessions
// and revokes every refresh token (and so the access tokens of those sign-ins) — Cognito keeps
// them; a reset often answers a compromise.
//
// Blocking (store, one SRP verifier per confirmation); call from worker threads. Thread-safe.

#include "common/clock.h"
#include "common/error.h"
#include "crypto/sealer.h"
#include "pool/code_book.h"
#include "pool/directory.h"
#include "store/store.h"

#include <chrono>
#include <functional>
#include <string>

namespace cognate::pool {

struct recovery_options {
  std::string default_from = "Cognate <no-reply@cognate.localhost>";
  std::chrono::seconds code_lifetime = std::chrono::hours(1);
  int max_code_attempts = 5;   // wrong guesses before a code is dead
  int max_codes_per_hour = 5;  // ForgotPassword requests per user per hour
};

class account_recovery {
 public:
  // `mail_queued` is called after a commit that queued an email.
  account_recovery(store::store& store, const crypto::sealer& sealer, const clock& clock,
                   recovery_options options, std::function<void()> mail_queued);

  // ForgotPassword: emails a reset code. Failures: limit_exceeded past the hourly budget,
  // invalid_parameter when the pool has no recovery channel (accountRecovery NONE); with
  // PreventUserExistenceErrors off also user_not_found, not_authorized "User is disabled.",
  // invalid_parameter (no verified email).
  result<code_delivery> forgot_password(const client_entry& client, const std::string& username);

  // ConfirmForgotPassword: sets `password` if `code` is the newest reset code. Failures:
  // invalid_password, code_mismatch, expired_code (expired, superseded, dead or never sent);
  // with PreventUserExistenceErrors off also user_not_found, not_authorized.
  result<void> confirm_forgot_password(const client_entry& client, const std::string& username,
                                       const std::string& code, const std::string& password);

 private:
  store::store& store_;
  const crypto::sealer& sealer_;
  const clock& clock_;
  std::function<void()> mail_queued_;
  code_book codes_;
  code_kind kind_;
};

}  // namespace cognate::pool
