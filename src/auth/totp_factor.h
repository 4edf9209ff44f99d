#pragma once
// SOFTWARE_TOKEN_MFA: RFC 6238 codes from an authenticator app (mfa/totp.h), one step of clock
// drift either way. A code is accepted once: settle() records its time step with a
// compare-and-set inside the step's transaction, so the same code (or an older one) is refused
// afterwards, also when two requests race on different nodes.
//
// Enrolment (AssociateSoftwareToken → VerifySoftwareToken): a pending secret ("totp:pending")
// that a correct code turns into the user's active, enabled and preferred TOTP ("totp"); an
// active secret keeps working until then. Secrets are sealed with "user:<id>:totp". Safe for
// concurrent use.

#include "auth/factor.h"
#include "crypto/sealer.h"

namespace cognate::auth {

class totp_factor final : public enrollable_factor {
 public:
  static constexpr std::string_view active_id = "totp";
  static constexpr std::string_view pending_id = "totp:pending";

  explicit totp_factor(const crypto::sealer& sealer) : sealer_(sealer) {}

  factor_kind kind() const override { return factor_kind::totp; }
  // The pool has MFA on and TOTP among its factors.
  bool allowed(const pool::pool_settings& settings) const override;
  bool enrolled(const subject& who) const override;
  bool preferred(const subject& who) const override;
  result<challenge_start> begin(const subject& who, const string_map& input) const override;
  // answer: {SOFTWARE_TOKEN_MFA_CODE}.
  result<proof> check(const subject& who, const challenge_state& state,
                      const string_map& answer) const override;
  result<verdict> settle(store::transaction& tx, const subject& who, const proof& p) const override;

  result<enrolment_start> begin_enrolment(const subject& who) const override;
  // answer: {UserCode}.
  result<proof> check_enrolment(const subject& who, const string_map& answer) const override;
  result<verdict> finish_enrolment(store::transaction& tx, const subject& who,
                                   const proof& p) const override;
  bool pending(const subject& who) const override;

 private:
  result<proof> check_code(const subject& who, std::string_view factor_id,
                           const std::string& code) const;

  const crypto::sealer& sealer_;
};

}  // namespace cognate::auth
