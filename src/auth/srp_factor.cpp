#include "auth/srp_factor.h"

#include "common/random.h"
#include "crypto/hmac.h"
#include "crypto/srp.h"
#include "pool/email_address.h"
#include "pool/srp_timestamp.h"
#include "pool/verifier_seal.h"

#include <fmt/format.h>

namespace cognate::auth {

namespace {

std::string uuid_from(std::span<const unsigned char> b) {
  std::string hex = hex_encode(b.first(16));
  return fmt::format("{}-{}-4{}-a{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(13, 3),
                     hex.substr(17, 3), hex.substr(20, 12));
}

}  // namespace

srp_factor::srp_factor(const crypto::sealer& sealer, std::chrono::seconds timestamp_skew)
    : sealer_(sealer),
      timestamp_skew_(timestamp_skew),
      fake_key_(sealer.derive("fake-srp-user")) {}

std::string srp_factor::fake_verifier_hex(const std::string& name_key) const {
  // 3071 bits of keyed hashes: below N (whose top bit is set), unrelated to any password, and
  // without the modexp a real verifier costs — a known user's challenge does not pay it either
  // (its verifier is stored), so it must not tell the two apart by time (bench/enumeration.cpp).
  bytes v;
  for (int block = 0; v.size() < 384; ++block) {
    const auto part =
        crypto::hmac_sha256(fake_key_, as_bytes(fmt::format("verifier:{}:{}", block, name_key)));
    v.insert(v.end(), part.begin(), part.end());
  }
  v[0] &= 0x7f;
  return crypto::srp_minimal_hex(v);
}

std::string srp_factor::fake_user_id(std::string_view username) const {
  return uuid_from(crypto::hmac_sha256(fake_key_, as_bytes("id:" + pool::email_key(username))));
}

result<challenge_start> srp_factor::begin(const subject& who, const string_map& input) const {
  std::string user_id, salt_hex, verifier_hex;
  if (who.user == nullptr) {
    // A challenge that looks the same every time for this name, then a proof that always fails.
    auto key = pool::email_key(who.username);
    user_id = fake_user_id(who.username);
    auto salt = crypto::hmac_sha256(fake_key_, as_bytes("salt:" + key));
    salt_hex = crypto::srp_minimal_hex(std::span(salt).first(16));
    verifier_hex = fake_verifier_hex(key);
  } else {
    user_id = who.user->id;
    salt_hex = who.user->srp_salt_hex;
    ASSIGN_OR_RETURN(verifier_hex, pool::open_verifier(sealer_, *who.user));
  }
  auto ephemeral = crypto::srp_server_start(verifier_hex);
  srp_state state{.user_id = user_id,
                  .b_hex = std::move(ephemeral.b_hex),
                  .B_hex = ephemeral.B_hex,
                  .A_hex = value_of(input, "SRP_A"),
                  .secret_block = base64_encode(random_bytes(64)),
                  .unknown_user = who.user == nullptr,
                  .fake_verifier_hex = who.user == nullptr ? verifier_hex : std::string()};
  string_map parameters{{"SALT", salt_hex},
                        {"SRP_B", ephemeral.B_hex},
                        {"SECRET_BLOCK", state.secret_block},
                        {"USER_ID_FOR_SRP", user_id},
                        {"USERNAME", user_id}};
  return challenge_start{
      .parameters = std::move(parameters), .state = std::move(state), .user_id = user_id};
}

result<proof> srp_factor::check(const subject& who, const challenge_state& state,
                                const string_map& answer) const {
  const auto* srp = std::get_if<srp_state>(&state);
  if (srp == nullptr) {
    return internal_failure("a PASSWORD_VERIFIER answer without SRP state");
  }
  const bool known = who.user != nullptr && !srp->unknown_user;
  std::string verifier_hex = srp->fake_verifier_hex;
  if (known) {
    ASSIGN_OR_RETURN(verifier_hex, pool::open_verifier(sealer_, *who.user));
  }
  const auto user_id = srp->user_id.empty() && who.user ? who.user->id : srp->user_id;
  const auto block_text = value_of(answer, "PASSWORD_CLAIM_SECRET_BLOCK");
  const auto signature = value_of(answer, "PASSWORD_CLAIM_SIGNATURE");
  const auto timestamp_text = value_of(answer, "TIMESTAMP");
  const auto username = value_of(answer, "USERNAME");

  const bool same_user =
      username == user_id || (known && pool::email_key(username) == who.user->email_key);
  const bool same_block =
      crypto::constant_time_equal(as_bytes(block_text), as_bytes(srp->secret_block));
  const auto timestamp = pool::parse_srp_timestamp(timestamp_text);
  const bool fresh = timestamp && *timestamp <= who.now + timestamp_skew_ &&
                     who.now - timestamp_skew_ <= *timestamp;
  bool signed_right = false;
  const auto block_bytes = base64_decode(block_text);
  const auto key = crypto::srp_session_key(srp->A_hex, srp->B_hex, srp->b_hex, verifier_hex);
  if (!key.empty() && block_bytes) {
    const auto expected = crypto::srp_claim_signature(key, who.pool.srp_name(), user_id,
                                                      *block_bytes, timestamp_text);
    signed_right = crypto::constant_time_equal(as_bytes(expected), as_bytes(signature));
  }
  return proof{.correct = known && signed_right && same_user && same_block && fresh};
}

result<verdict> srp_factor::settle(store::transaction&, const subject&, const proof& p) const {
  return p.correct ? verdict::passed : verdict::wrong;
}

}  // namespace cognate::auth
