#include "auth/self_service.h"

#include "common/reasons.h"
#include "pool/email_address.h"
#include "pool/password_check.h"
#include "pool/users.h"

namespace cognate::auth {
namespace {

store::audit_record audit_of(const store::user_record& u, std::string event, time_point at) {
  return store::audit_record{
      .pool_id = u.pool_id, .user_id = u.id, .event = std::move(event), .detail = "{}", .at = at};
}

// The user as the transaction sees it now (a deleted user's token was refused by the guard, but
// the account may have gone since).
result<store::user_record> reread(store::transaction& tx, const caller& who) {
  ASSIGN_OR_RETURN(auto found, tx.users().find_by_id(who.user.pool_id, who.user.id));
  if (!found) {
    return fail(reason::user_does_not_exist);
  }
  return std::move(*found);
}

}  // namespace

self_service::self_service(store::store& store, const crypto::sealer& sealer, const clock& clock,
                           const factor_set& factors, self_service_options options,
                           std::function<void()> mail_queued)
    : store_(store),
      sealer_(sealer),
      clock_(clock),
      factors_(factors),
      lockout_(options.lockout),
      mail_queued_(std::move(mail_queued)),
      codes_(sealer, options.code_limits, options.default_from),
      verify_email_{.purpose = "verify:email",
                    .lifetime = options.verification_code_lifetime,
                    .bound_to_address = true} {}

result<void> self_service::change_password(const caller& who, const std::string& previous,
                                           const std::string& proposed) const {
  const auto& pool = *who.pool;
  RETURN_IF_ERROR(pool::check_password(pool.settings.password, proposed));
  const auto now = clock_.now();
  // The attempt is counted before the previous password is checked, in a transaction of its
  // own, exactly as a sign-in's (lockout.h).
  ASSIGN_OR_RETURN(auto counted, store::in_transaction(
                                     store_, [&](store::transaction& tx)
                                                 -> result<std::pair<store::user_record, attempt>> {
                                       ASSIGN_OR_RETURN(auto user, reread(tx, who));
                                       ASSIGN_OR_RETURN(auto outcome,
                                                        lockout_.count_attempt(tx, user, now));
                                       return std::pair{std::move(user), outcome};
                                     }));
  if (counted.second == attempt::locked) {
    return fail(reason::password_attempts_exceeded);
  }
  const auto& user = counted.first;
  ASSIGN_OR_RETURN(auto p, factors_.password().check({pool, &user, who.factors, user.id, now}, {},
                                                     {{"PASSWORD", previous}}));
  if (!p.correct) {
    return fail(reason::incorrect_credentials);
  }
  const auto verifier = pool::make_password_verifier(sealer_, pool.id, user.id, proposed);
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto fresh, reread(tx, who));
    lockout::reset(fresh);
    pool::set_password(fresh, verifier);
    fresh.updated_at = now;
    RETURN_IF_ERROR(tx.users().update(fresh));
    return tx.audit().append(audit_of(fresh, "change_password", now));
  });
}

result<std::vector<pool::code_delivery>> self_service::update_attributes(
    const caller& who, const pool::attribute_list& attributes) const {
  const auto& settings = who.pool->settings;
  const auto now = clock_.now();
  ASSIGN_OR_RETURN(
      auto pending_to,
      store::in_transaction(store_, [&](store::transaction& tx) -> result<std::string> {
        ASSIGN_OR_RETURN(auto user, reread(tx, who));
        const auto current = pool::attributes_from_json(user.attributes_json);
        ASSIGN_OR_RETURN(auto next, pool::update_attributes(settings, current, attributes));
        // The email is the sign-in name: it changes only once the new address is verified.
        std::string new_email;
        const auto email = next.find("email");
        if (email == next.end() || email->second.empty()) {
          return fail(reason::attribute_schema, "email", "The attribute email is required");
        }
        if (pool::email_key(email->second) != user.email_key) {
          if (!pool::looks_like_email(email->second)) {
            return fail(reason::attribute_schema, "email", "Invalid email address format.");
          }
          new_email = email->second;
        }
        next["email"] = user.email;
        user.attributes_json = pool::attributes_to_json(next);
        const bool email_named = std::any_of(attributes.begin(), attributes.end(),
                                             [](const auto& a) { return a.first == "email"; });
        if (email_named) {
          user.pending_email = new_email;  // "" when set back to the current address
        }
        user.updated_at = now;
        RETURN_IF_ERROR(tx.users().update(user));
        if (!new_email.empty()) {
          RETURN_IF_ERROR(codes_.send(tx, user, verify_email_, settings, new_email, now));
        }
        RETURN_IF_ERROR(tx.audit().append(audit_of(user, "update_attributes", now)));
        return new_email;
      }));
  std::vector<pool::code_delivery> out;
  if (!pending_to.empty()) {
    mail_queued_();
    out.push_back({.destination = pool::mask_email(pending_to)});
  }
  return out;
}

result<void> self_service::delete_attributes(const caller& who,
                                             const std::vector<std::string>& names) const {
  pool::attribute_list blanks;
  for (const auto& name : names) {
    if (name == "email") {
      return fail(reason::attribute_schema, "email", "The attribute email is required");
    }
    blanks.emplace_back(name, "");
  }
  const auto& settings = who.pool->settings;
  const auto now = clock_.now();
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto user, reread(tx, who));
    ASSIGN_OR_RETURN(auto next, pool::update_attributes(
                                    settings, pool::attributes_from_json(user.attributes_json),
                                    blanks));
    user.attributes_json = pool::attributes_to_json(next);
    user.updated_at = now;
    RETURN_IF_ERROR(tx.users().update(user));
    return tx.audit().append(audit_of(user, "delete_attributes", now));
  });
}

result<pool::code_delivery> self_service::send_verification_code(
    const caller& who, const std::string& attribute) const {
  if (attribute != "email") {
    return fail(reason::attribute_not_verifiable, attribute);
  }
  const auto& settings = who.pool->settings;
  const auto now = clock_.now();
  ASSIGN_OR_RETURN(
      auto sent_to,
      store::in_transaction(store_, [&](store::transaction& tx) -> result<std::string> {
        ASSIGN_OR_RETURN(auto user, reread(tx, who));
        const auto to = user.pending_email.empty() ? user.email : user.pending_email;
        RETURN_IF_ERROR(codes_.send(tx, user, verify_email_, settings, to, now));
        RETURN_IF_ERROR(tx.audit().append(audit_of(user, "verification_code_sent", now)));
        return to;
      }));
  mail_queued_();
  return pool::code_delivery{.destination = pool::mask_email(sent_to)};
}

result<void> self_service::verify_attribute(const caller& who, const std::string& attribute,
                                            const std::string& code) const {
  if (attribute != "email") {
    return fail(reason::attribute_not_verifiable, attribute);
  }
  const auto now = clock_.now();
  ASSIGN_OR_RETURN(
      auto done,
      store::in_transaction(store_, [&](store::transaction& tx) -> result<pool::code_verdict> {
        ASSIGN_OR_RETURN(auto user, reread(tx, who));
        const auto to = user.pending_email.empty() ? user.email : user.pending_email;
        ASSIGN_OR_RETURN(auto verdict, codes_.check(tx, user, verify_email_, to, code, now));
        if (verdict != pool::code_verdict::accepted) {
          return verdict;
        }
        auto attributes = pool::attributes_from_json(user.attributes_json);
        if (!user.pending_email.empty()) {
          const auto key = pool::email_key(user.pending_email);
          ASSIGN_OR_RETURN(auto holder, tx.users().find_by_email(user.pool_id, key));
          if (holder && holder->id != user.id) {
            return fail(reason::alias_exists);  // rolls back: the code stays usable
          }
          user.email = user.pending_email;
          user.email_key = key;
          user.pending_email.clear();
          attributes["email"] = user.email;
        }
        attributes["email_verified"] = "true";
        user.attributes_json = pool::attributes_to_json(attributes);
        user.updated_at = now;
        RETURN_IF_ERROR(tx.users().update(user));
        RETURN_IF_ERROR(tx.audit().append(audit_of(user, "verify_email", now)));
        return pool::code_verdict::accepted;
      }));
  return pool::answer_of(done);
}

result<void> self_service::delete_user(const caller& who) const {
  const auto now = clock_.now();
  const auto& pool_id = who.user.pool_id;
  const auto& user_id = who.user.id;
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto user, reread(tx, who));
    RETURN_IF_ERROR(pool::delete_account(tx, pool_id, user_id));
    return tx.audit().append(audit_of(user, "delete_user", now));
  });
}

}  // namespace cognate::auth
