#pragma once
// USER_PASSWORD_AUTH: the password itself, checked against the user's SRP verifier by computing
// the verifier the offered password gives (one 3072-bit modexp) and comparing in constant time.
// There is no challenge: InitiateAuth carries the answer. Safe for concurrent use.

#include "auth/factor.h"
#include "crypto/sealer.h"

namespace cognate::auth {

class password_factor final : public factor {
 public:
  explicit password_factor(const crypto::sealer& sealer) : sealer_(sealer) {}

  factor_kind kind() const override { return factor_kind::password; }
  bool allowed(const pool::pool_settings&) const override { return true; }
  bool enrolled(const subject& who) const override { return who.user != nullptr; }
  result<challenge_start> begin(const subject& who, const string_map& input) const override;
  // answer: {PASSWORD}. An unknown user costs the same modexp and is never correct.
  result<proof> check(const subject& who, const challenge_state& state,
                      const string_map& answer) const override;
  result<verdict> settle(store::transaction& tx, const subject& who, const proof& p) const override;

 private:
  const crypto::sealer& sealer_;
};

}  // namespace cognate::auth
