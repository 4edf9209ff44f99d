#include "auth/password_factor.h"

#include "crypto/hmac.h"
#include "crypto/srp.h"
#include "pool/verifier_seal.h"

namespace cognate::auth {

result<challenge_start> password_factor::begin(const subject& who, const string_map&) const {
  return challenge_start{.user_id = who.user ? who.user->id : std::string()};
}

result<proof> password_factor::check(const subject& who, const challenge_state&,
                                     const string_map& answer) const {
  const auto password = value_of(answer, "PASSWORD");
  if (who.user == nullptr) {
    // Same work as a real check, so timing does not tell unknown users apart.
    (void)crypto::srp_verifier_hex(who.pool.id, "unknown", password, "1");
    return proof{};
  }
  ASSIGN_OR_RETURN(auto stored, pool::open_verifier(sealer_, *who.user));
  auto offered =
      crypto::srp_verifier_hex(who.pool.srp_name(), who.user->id, password, who.user->srp_salt_hex);
  return proof{.correct = crypto::constant_time_equal(as_bytes(offered), as_bytes(stored))};
}

result<verdict> password_factor::settle(store::transaction&, const subject&, const proof& p) const {
  return p.correct ? verdict::passed : verdict::wrong;
}

}  // namespace cognate::auth
