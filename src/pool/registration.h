#pragma once
// Sign-up and confirmation by emailed code (protocol doc §3), for any pool and app client of the
// directory. Transport-agnostic: plain request values in, values or Cognito-named failures out.
//
// Every change is one store transaction together with its audit row and its queued email, so a
// crash never leaves a user without the code they were told was sent. Methods block on the store
// and on CPU work (SRP verifier); call them from worker threads. Safe for concurrent use.

#include "common/clock.h"
#include "common/error.h"
#include "crypto/sealer.h"
#include "pool/attributes.h"
#include "pool/code_book.h"
#include "pool/directory.h"
#include "store/store.h"

#include <chrono>
#include <functional>
#include <string>

namespace cognate::pool {

// Server-side policy that is not in a pool's settings.
struct registration_options {
  std::string default_from = "Cognate <no-reply@cognate.localhost>";  // when senders.email is unset
  std::chrono::seconds code_lifetime = std::chrono::hours(24);
  int max_code_attempts = 5;   // wrong guesses before a code is burned
  int max_codes_per_hour = 5;  // sign-up + resends per user per hour
};

struct sign_up_request {
  std::string username;
  std::string password;
  attribute_list attributes;
};

struct sign_up_result {
  bool user_confirmed = false;
  std::string user_sub;
  code_delivery delivery;
};

class registration {
 public:
  // `mail_queued` is called (after commit) whenever an email was queued, to wake the sender.
  registration(store::store& store, const crypto::sealer& sealer, const clock& clock,
               registration_options options, std::function<void()> mail_queued);

  // Creates an UNCONFIRMED user of the client's pool and emails a code. Failures:
  // invalid_parameter (user name not an email, attributes), invalid_password, username_exists,
  // sign_up_not_permitted (AllowAdminCreateUserOnly).
  result<sign_up_result> sign_up(const client_entry& client, const sign_up_request& request);

  // Confirms with the newest code. Failures: code_mismatch (wrong code, or unknown user — no
  // enumeration), expired_code (expired, superseded or burned after too many tries),
  // not_authorized (already confirmed); user_not_found for an unknown user when the app client
  // turned PreventUserExistenceErrors off.
  result<void> confirm_sign_up(const client_entry& client, const std::string& username,
                               const std::string& code);

  // Sends a fresh code, superseding the previous one. Unknown users get a plausible answer and
  // no email (user_not_found when the app client turned PreventUserExistenceErrors off).
  // Failures: invalid_parameter "User is already confirmed.", limit_exceeded.
  result<code_delivery> resend_confirmation_code(const client_entry& client,
                                                 const std::string& username);

 private:
  store::store& store_;
  const crypto::sealer& sealer_;
  const clock& clock_;
  registration_options options_;
  std::function<void()> mail_queued_;
  code_book codes_;
  code_kind kind_;
};

}  // namespace cognate::pool
