#pragma once
// USER_SRP_AUTH (Amplify's default): SRP-6a as Cognito's clients compute it (protocol doc §5).
// begin() answers PASSWORD_VERIFIER with SALT, SRP_B, SECRET_BLOCK and USER_ID_FOR_SRP; check()
// verifies the PASSWORD_CLAIM_SIGNATURE, the returned block, the USERNAME and a TIMESTAMP within
// `timestamp_skew` of now, comparing in constant time.
//
// A name no user has gets a challenge derived from the name with a server key (the same SALT
// and USER_ID_FOR_SRP on every attempt, as for a real user) and the same modexps; its proof
// always fails. Safe for concurrent use.

#include "auth/factor.h"
#include "crypto/sealer.h"

#include <chrono>

namespace cognate::auth {

class srp_factor final : public factor {
 public:
  srp_factor(const crypto::sealer& sealer, std::chrono::seconds timestamp_skew);

  factor_kind kind() const override { return factor_kind::srp; }
  bool allowed(const pool::pool_settings&) const override { return true; }
  bool enrolled(const subject& who) const override { return who.user != nullptr; }
  // input: {SRP_A} (hex; checked by the flow).
  result<challenge_start> begin(const subject& who, const string_map& input) const override;
  // answer: {PASSWORD_CLAIM_SIGNATURE, PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP, USERNAME}.
  result<proof> check(const subject& who, const challenge_state& state,
                      const string_map& answer) const override;
  result<verdict> settle(store::transaction& tx, const subject& who, const proof& p) const override;

  // The USER_ID_FOR_SRP a name no user has is given: a keyed hash of the name, the same on every
  // node and every call. Also the key of the name's lockout decoy (sign_in).
  std::string fake_user_id(std::string_view username) const;

 private:
  // The stable stand-in verifier of a name no user has (`name_key`: its email key).
  std::string fake_verifier_hex(const std::string& name_key) const;

  const crypto::sealer& sealer_;
  std::chrono::seconds timestamp_skew_;
  bytes fake_key_;  // derives the fake challenges of unknown names
};

}  // namespace cognate::auth
