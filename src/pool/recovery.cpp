#include "pool/recovery.h"

#include "common/reasons.h"
#include "pool/attributes.h"
#include "pool/email_address.h"
#include "pool/password_check.h"
#include "pool/users.h"

#include <optional>

namespace cognate::pool {
namespace {

// Why a user cannot reset their password, if they cannot.
std::optional<reason> reset_refusal(const store::user_record& user) {
  if (!user.enabled) {
    return reason::user_disabled;
  }
  if (user.status == store::user_status::force_change_password) {
    return reason::reset_not_allowed_in_state;  // the operator's temporary password comes first
  }
  if (user.status != store::user_status::confirmed &&
      user.status != store::user_status::reset_required) {
    return reason::no_recovery_channel;  // unconfirmed: the email was never verified
  }
  if (attributes_from_json(user.attributes_json)["email_verified"] != "true") {
    return reason::no_recovery_channel;
  }
  return std::nullopt;
}

std::string masked(const std::string& name) {
  return looks_like_email(name) ? mask_email(name) : "***";
}

}  // namespace

account_recovery::account_recovery(store::store& store, const crypto::sealer& sealer,
                                   const clock& clock, recovery_options options,
                                   std::function<void()> mail_queued)
    : store_(store),
      sealer_(sealer),
      clock_(clock),
      mail_queued_(std::move(mail_queued)),
      codes_(sealer,
             {.max_attempts = options.max_code_attempts, .max_per_hour = options.max_codes_per_hour},
             options.default_from),
      kind_{.purpose = "reset", .lifetime = options.code_lifetime} {}

result<code_delivery> account_recovery::forgot_password(const client_entry& client,
                                                        const std::string& username) {
  const auto& pool = *client.pool;
  if (pool.settings.account_recovery == "NONE") {
    return fail(reason::no_recovery_channel);
  }
  const bool hide = client.record.prevent_user_existence_errors;
  const auto now = clock_.now();
  ASSIGN_OR_RETURN(
      auto sent_to,
      store::in_transaction(store_, [&](store::transaction& tx) -> result<std::string> {
        ASSIGN_OR_RETURN(auto found, find_user_by_name(tx, pool.id, username));
        const auto refusal =
            found ? reset_refusal(*found) : std::optional<reason>(reason::reset_user_not_found);
        if (refusal) {
          if (!hide) {
            return fail(*refusal);
          }
          // Answer as if a code went out (the same budget), send nothing; record it as a real
          // request is (which also keeps the two commits' sizes, and so their times, close),
          // with the user it was about when there is one (a disabled or unverified user).
          RETURN_IF_ERROR(codes_.send_decoy(tx, pool.id, username, kind_, now));
          RETURN_IF_ERROR(tx.audit().append({.pool_id = pool.id,
                                             .user_id = found ? found->id : std::string(),
                                             .event = "forgot_password",
                                             .detail = R"({"sent":false})",
                                             .at = now}));
          return std::string();
        }
        const auto& user = *found;
        RETURN_IF_ERROR(codes_.send(tx, user, kind_, pool.settings, user.email, now));
        RETURN_IF_ERROR(tx.audit().append({.pool_id = user.pool_id,
                                           .user_id = user.id,
                                           .event = "forgot_password",
                                           .detail = "{}",
                                           .at = now}));
        return user.email;
      }));
  if (sent_to.empty()) {
    return code_delivery{.destination = masked(username)};
  }
  mail_queued_();
  return code_delivery{.destination = mask_email(sent_to)};
}

result<void> account_recovery::confirm_forgot_password(const client_entry& client,
                                                       const std::string& username,
                                                       const std::string& code,
                                                       const std::string& password) {
  const auto& pool = *client.pool;
  const bool hide = client.record.prevent_user_existence_errors;
  RETURN_IF_ERROR(check_password(pool.settings.password, password));
  ASSIGN_OR_RETURN(auto seen, store::in_read(store_, [&](store::transaction& tx) {
                     return find_user_by_name(tx, pool.id, username);
                   }));
  // The new verifier is made before the transaction (a 3072-bit modexp), for unknown names too
  // so that the time taken does not tell them apart.
  const auto verifier =
      make_password_verifier(sealer_, pool.id, seen ? seen->id : "unknown", password);

  const auto now = clock_.now();
  ASSIGN_OR_RETURN(
      auto done, store::in_transaction(store_, [&](store::transaction& tx) -> result<code_verdict> {
        ASSIGN_OR_RETURN(auto found, find_user_by_name(tx, pool.id, username));
        const bool same_user = found && seen && found->id == seen->id;
        const auto refusal = !found ? std::optional<reason>(reason::user_not_found)
                             : !same_user ? std::optional<reason>(reason::confirmation_code_expired)
                                          : reset_refusal(*found);
        if (refusal) {
          if (!hide) {
            return fail(*refusal);
          }
          return codes_.check_decoy(tx, pool.id, username, kind_, now);
        }
        auto user = std::move(*found);
        ASSIGN_OR_RETURN(auto verdict, codes_.check(tx, user, kind_, user.email, code, now));
        if (verdict != code_verdict::accepted) {
          return verdict;
        }
        set_password(user, verifier);
        user.status = store::user_status::confirmed;
        user.failed_sign_ins = 0;
        user.locked_until = time_point{};
        user.updated_at = now;
        RETURN_IF_ERROR(tx.users().update(user));
        RETURN_IF_ERROR(tx.sessions().remove_user(user.pool_id, user.id));
        RETURN_IF_ERROR(tx.tokens().revoke_user(user.pool_id, user.id));
        RETURN_IF_ERROR(tx.audit().append({.pool_id = user.pool_id,
                                           .user_id = user.id,
                                           .event = "password_reset",
                                           .detail = "{}",
                                           .at = now}));
        return code_verdict::accepted;
      }));
  return answer_of(done);
}

}  // namespace cognate::pool
