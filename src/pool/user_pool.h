#pragma once
// The user pool domain: sign-up and confirmation by emailed code (sign-in comes next).
// Transport-agnostic: takes plain request values, returns values or Cognito-named failures.
//
// Every change is one store transaction together with its audit row and its queued email, so a
// crash never leaves a user without the code they were told was sent. Methods block on the store
// and on CPU work (SRP verifier); call them from worker threads. Safe for concurrent use.

#include "common/clock.h"
#include "common/error.h"
#include "crypto/sealer.h"
#include "pool/attributes.h"
#include "pool/live_settings.h"
#include "store/store.h"

#include <chrono>
#include <functional>
#include <string>

namespace cognate::pool {

// Which pool and app client this server is, and server-side policy that is not in auth.json.
struct pool_options {
  std::string pool_id;    // "us-east-1_AbC123xyZ"
  std::string client_id;  // the one public app client
  std::string app_name = "Cognate";  // TOTP issuer shown in authenticator apps
  bool allow_user_password_auth = false;  // the sandbox allows it; serve follows Gen 2
  std::string default_from = "Cognate <no-reply@cognate.localhost>";
  std::chrono::seconds code_lifetime = std::chrono::hours(24);
  int max_code_attempts = 5;          // wrong guesses before a code is burned
  int max_codes_per_hour = 5;         // sign-up + resends per user per hour

  // The part of the pool id after '_': hashed into every SRP proof.
  std::string pool_name() const;
  // Success when `id` is this pool's app client, else errc::resource_not_found.
  result<void> check_client(const std::string& id) const;
};

// A new user of `pool` (unconfirmed, a fresh UUID) with its SRP verifier for `password`
// computed (one 3072-bit modexp) and sealed. The caller sets the attributes and inserts it.
store::user_record new_user_record(const crypto::sealer& sealer, const pool_options& pool,
                                   const std::string& email, const std::string& password,
                                   time_point now);

// Looks a user up by the name a client sends: the email alias (case-insensitive) or the UUID
// user name. Inside `tx`; fails only on store errors.
result<std::optional<store::user_record>> find_user_by_name(store::transaction& tx,
                                                            const std::string& pool_id,
                                                            const std::string& username);

struct code_delivery {
  std::string destination;  // masked, e.g. "a***@e***"
  std::string medium = "EMAIL";
  std::string attribute = "email";
};

struct sign_up_request {
  std::string client_id;
  std::string username;
  std::string password;
  attribute_list attributes;
};

struct sign_up_result {
  bool user_confirmed = false;
  std::string user_sub;
  code_delivery delivery;
};

class user_pool {
 public:
  // `mail_queued` is called (after commit) whenever an email was queued, to wake the sender.
  user_pool(store::store& store, const crypto::sealer& sealer, const clock& clock,
            const live_settings& settings, pool_options options,
            std::function<void()> mail_queued);

  const pool_options& options() const { return options_; }
  std::shared_ptr<const pool_settings> settings() const { return settings_.get(); }

  // Creates an UNCONFIRMED user and emails a code. Failures: resource_not_found (client),
  // invalid_parameter (user name not an email, attributes), invalid_password, username_exists.
  result<sign_up_result> sign_up(const sign_up_request& request);

  // Confirms with the newest code. Failures: code_mismatch (wrong code, or unknown user — no
  // enumeration), expired_code (expired, superseded or burned after too many tries),
  // not_authorized (already confirmed).
  result<void> confirm_sign_up(const std::string& client_id, const std::string& username,
                               const std::string& code);

  // Sends a fresh code, superseding the previous one. Unknown users get a plausible answer and
  // no email. Failures: invalid_parameter "User is already confirmed.", limit_exceeded.
  result<code_delivery> resend_confirmation_code(const std::string& client_id,
                                                 const std::string& username);

 private:
  // Writes (or replaces) the sign-up code and queues its email, inside `tx`.
  result<void> send_code(store::transaction& tx, const store::user_record& user,
                         const pool_settings& settings,
                         const std::optional<store::code_record>& previous);

  store::store& store_;
  const crypto::sealer& sealer_;
  const clock& clock_;
  const live_settings& settings_;
  pool_options options_;
  std::function<void()> mail_queued_;
  bytes code_key_;
};

}  // namespace cognate::pool
