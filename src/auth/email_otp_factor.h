#pragma once
// EMAIL_OTP as a second factor (protocol doc cognito-passwordless-and-email-mfa.md §3): a 6-digit
// code mailed to the user's email address with the pool's MFA template, good for one Session (the
// app client's AuthSessionValidity, 3 minutes by default) and one right answer; a wrong answer is
// counted on the Session, which ends after five; a newer code ends the user's earlier ones. The Session keeps a keyed hash of the code, never
// the code; the mail goes out through the outbox in the transaction that stores the Session, so
// any node can check the answer and the code is accepted once.
//
// Set-up (MFA_SETUP answered with EMAIL): the same challenge for the address given (which must be
// the account's email); the right code makes email the user's enabled, preferred factor ("email").
// Safe for concurrent use.

#include "auth/factor.h"
#include "crypto/sealer.h"
#include "pool/code_book.h"

#include <string>

namespace cognate::auth {

class email_otp_factor final : public factor {
 public:
  static constexpr std::string_view active_id = "email";

  // `default_from`: the From of the code mail when the pool names no sender.
  email_otp_factor(const crypto::sealer& sealer, std::string default_from);

  factor_kind kind() const override { return factor_kind::email_otp; }
  // The pool has MFA on and email among its factors (multifactor.email).
  bool allowed(const pool::pool_settings& settings) const override;
  bool enrolled(const subject& who) const override;
  bool preferred(const subject& who) const override;
  // A new code for who.user's email, or for input "EMAIL" when setting the factor up.
  result<challenge_start> begin(const subject& who, const string_map& input) const override;
  // answer: {EMAIL_OTP_CODE}.
  result<proof> check(const subject& who, const challenge_state& state,
                      const string_map& answer) const override;
  // A right set-up code enrols the factor: enabled and preferred, the others no longer preferred.
  result<verdict> settle(store::transaction& tx, const subject& who, const proof& p) const override;

  // Inside the transaction that stores the Session: queues the code's mail.
  result<void> deliver(store::transaction& tx, const store::user_record& user,
                       const pool::pool_settings& settings, const code_delivery& d,
                       time_point now) const;

 private:
  std::string hash(std::string_view nonce, std::string_view code) const;

  bytes key_;
  pool::code_book mailer_;
};

}  // namespace cognate::auth
