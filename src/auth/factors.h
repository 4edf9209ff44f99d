#pragma once
// The factors this server has, registered in one place: the first factors (password, SRP) and
// the second factors the next-step policy chooses among (TOTP, email codes). Immutable
// after construction; safe for concurrent use.

#include "auth/email_otp_factor.h"
#include "auth/factor.h"
#include "auth/password_factor.h"
#include "auth/srp_factor.h"
#include "auth/totp_factor.h"

#include <chrono>
#include <vector>

namespace cognate::auth {

// The user's factor `id` among `factors` (as an account read them), or nullptr.
const store::factor_record* find_factor(const std::vector<store::factor_record>& factors,
                                        std::string_view id);
// Inside a transaction: `keep` becomes the user's only preferred factor (the others lose the
// flag, and stay enabled).
result<void> prefer_only(store::transaction& tx, const std::string& pool_id,
                         const std::string& user_id, std::string_view keep, time_point now);

class factor_set {
 public:
  // `default_from`: the From of email codes when the pool names no sender.
  factor_set(const crypto::sealer& sealer, std::chrono::seconds srp_timestamp_skew,
             std::string default_from = "Cognate <no-reply@cognate.localhost>")
      : password_(sealer),
        srp_(sealer, srp_timestamp_skew),
        totp_(sealer),
        email_(sealer, std::move(default_from)) {}

  const password_factor& password() const { return password_; }
  const srp_factor& srp() const { return srp_; }
  const totp_factor& totp() const { return totp_; }
  const email_otp_factor& email() const { return email_; }

  // Every second factor, in the order MFAS_CAN_SETUP / MFAS_CAN_CHOOSE list them.
  std::vector<const factor*> second_factors() const { return {&totp_, &email_}; }
  // The second factor of `kind`, or nullptr when the server has none.
  const factor* second_factor(factor_kind kind) const;

 private:
  password_factor password_;
  srp_factor srp_;
  totp_factor totp_;
  email_otp_factor email_;
};

}  // namespace cognate::auth
