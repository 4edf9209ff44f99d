#include "auth/totp_factor.h"


#include "auth/factors.h"
#include "crypto/seal_context.h"

#include "mfa/totp.h"

#include <fmt/format.h>

#include <algorithm>

namespace cognate::auth {

bool totp_factor::allowed(const pool::pool_settings& settings) const {
  return settings.mfa != pool::mfa_mode::off && settings.totp_enabled;
}

bool totp_factor::enrolled(const subject& who) const {
  const auto* f = find_factor(who.factors, active_id);
  return f != nullptr && f->enabled;
}

bool totp_factor::preferred(const subject& who) const {
  const auto* f = find_factor(who.factors, active_id);
  return f != nullptr && f->enabled && f->preferred;
}

bool totp_factor::pending(const subject& who) const {
  return find_factor(who.factors, pending_id) != nullptr;
}

result<challenge_start> totp_factor::begin(const subject& who, const string_map&) const {
  return challenge_start{.user_id = who.user ? who.user->id : std::string()};
}

result<proof> totp_factor::check_code(const subject& who, std::string_view factor_id,
                                      const std::string& code) const {
  const auto* f = find_factor(who.factors, factor_id);
  if (f == nullptr || who.user == nullptr) {
    return proof{};
  }
  ASSIGN_OR_RETURN(auto secret, sealer_.open(f->secret_sealed, crypto::seal_context::totp(who.user->id)));
  auto step = mfa::match_totp(secret, code, who.now);
  const auto* active = find_factor(who.factors, active_id);
  // Never a step at or before the last accepted one (of the active secret, when enrolling anew).
  const auto last = std::max(f->counter, active ? active->counter : 0);
  if (!step || *step <= last) {
    return proof{.replayed = step.has_value()};
  }
  return proof{.correct = true, .counter = *step};
}

result<proof> totp_factor::check(const subject& who, const challenge_state&,
                                 const string_map& answer) const {
  return check_code(who, active_id, value_of(answer, "SOFTWARE_TOKEN_MFA_CODE"));
}

result<verdict> totp_factor::settle(store::transaction& tx, const subject& who,
                                    const proof& p) const {
  if (!p.correct || who.user == nullptr) {
    return verdict::wrong;
  }
  ASSIGN_OR_RETURN(auto current,
                   tx.factors().find(who.pool.id, who.user->id, std::string(active_id)));
  // Compare-and-set: a concurrent request may have spent this step (or a later one) meanwhile.
  if (!current || !current->enabled || p.counter <= current->counter) {
    return verdict::wrong;
  }
  current->counter = p.counter;
  current->updated_at = who.now;
  RETURN_IF_ERROR(tx.factors().put(*current));
  return verdict::passed;
}

result<enrolment_start> totp_factor::begin_enrolment(const subject& who) const {
  if (who.user == nullptr) {
    return internal_failure("TOTP enrolment without a user");
  }
  const auto secret = mfa::new_totp_secret();
  return enrolment_start{
      .shown = {{"SecretCode", base32_encode(secret)}},
      .pending = {.pool_id = who.pool.id,
                  .user_id = who.user->id,
                  .id = std::string(pending_id),
                  .kind = "totp",
                  .status = store::factor_status::pending,
                  .secret_sealed = sealer_.seal(secret, crypto::seal_context::totp(who.user->id)),
                  .created_at = who.now,
                  .updated_at = who.now}};
}

result<proof> totp_factor::check_enrolment(const subject& who, const string_map& answer) const {
  return check_code(who, pending_id, value_of(answer, "UserCode"));
}

result<verdict> totp_factor::finish_enrolment(store::transaction& tx, const subject& who,
                                              const proof& p) const {
  if (!p.correct || who.user == nullptr) {
    return verdict::wrong;
  }
  const auto& pool_id = who.pool.id;
  const auto& user_id = who.user->id;
  ASSIGN_OR_RETURN(auto pending, tx.factors().find(pool_id, user_id, std::string(pending_id)));
  ASSIGN_OR_RETURN(auto active, tx.factors().find(pool_id, user_id, std::string(active_id)));
  const auto last = std::max(pending ? pending->counter : 0, active ? active->counter : 0);
  // The pending secret may have been replaced (Associate again) or its step spent meanwhile.
  const auto* proven = find_factor(who.factors, pending_id);
  if (!pending || !proven || pending->secret_sealed != proven->secret_sealed || p.counter <= last) {
    return verdict::wrong;
  }
  RETURN_IF_ERROR(tx.factors().remove(pool_id, user_id, std::string(pending_id)));
  auto activated = std::move(*pending);
  activated.id = active_id;
  activated.status = store::factor_status::active;
  activated.enabled = true;
  activated.preferred = true;
  activated.counter = p.counter;
  activated.created_at = active ? active->created_at : activated.created_at;
  activated.updated_at = who.now;
  RETURN_IF_ERROR(tx.factors().put(activated));
  RETURN_IF_ERROR(prefer_only(tx, pool_id, user_id, active_id, who.now));  // the one just set up
  RETURN_IF_ERROR(tx.audit().append({.pool_id = pool_id,
                                     .user_id = user_id,
                                     .event = "totp_enabled",
                                     .detail = "{}",
                                     .at = who.now}));
  return verdict::passed;
}

}  // namespace cognate::auth
