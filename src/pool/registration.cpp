#include "pool/registration.h"

#include "common/reasons.h"
#include "pool/email_address.h"
#include "pool/password_check.h"
#include "pool/users.h"


namespace cognate::pool {
namespace {

store::audit_record audit_of(const store::user_record& u, std::string event, time_point at) {
  return store::audit_record{
      .pool_id = u.pool_id, .user_id = u.id, .event = std::move(event), .detail = "{}", .at = at};
}

}  // namespace

registration::registration(store::store& store, const crypto::sealer& sealer, const clock& clock,
                           registration_options options, std::function<void()> mail_queued)
    : store_(store),
      sealer_(sealer),
      clock_(clock),
      options_(std::move(options)),
      mail_queued_(std::move(mail_queued)),
      codes_(sealer,
             {.max_attempts = options_.max_code_attempts,
              .max_per_hour = options_.max_codes_per_hour},
             options_.default_from),
      kind_{.purpose = "signup", .lifetime = options_.code_lifetime, .decoy_always_sent = true} {}

result<sign_up_result> registration::sign_up(const client_entry& client,
                                             const sign_up_request& request) {
  const auto& pool = *client.pool;
  if (pool.settings.admin_create_user_only) {
    return fail(reason::sign_up_not_permitted);
  }
  if (!looks_like_email(request.username)) {
    return fail(reason::username_not_email);
  }
  RETURN_IF_ERROR(check_password(pool.settings.password, request.password));
  for (const auto& [name, value] : request.attributes) {
    if (name == "email" && email_key(value) != email_key(request.username)) {
      return fail(reason::email_attribute_mismatch);
    }
  }
  ASSIGN_OR_RETURN(auto attributes, check_client_attributes(pool.settings, request.attributes,
                                                            {{"email", request.username},
                                                             {"email_verified", "false"}}));

  const auto now = clock_.now();
  auto user = new_user_record(sealer_, pool.id, request.username, request.password, now);
  user.attributes_json = attributes_to_json(attributes);

  RETURN_IF_ERROR(store_.transact([&](store::transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.users().insert(user));
    RETURN_IF_ERROR(codes_.send(tx, user, kind_, pool.settings, user.email, now));
    return tx.audit().append(audit_of(user, "sign_up", now));
  }));
  mail_queued_();
  return sign_up_result{.user_confirmed = false,
                        .user_sub = user.id,
                        .delivery = {.destination = mask_email(user.email)}};
}

result<void> registration::confirm_sign_up(const client_entry& client, const std::string& username,
                                           const std::string& code) {
  const auto& pool = *client.pool;
  enum class outcome { confirmed, mismatch, expired, already_confirmed, unknown_user };
  const auto now = clock_.now();
  ASSIGN_OR_RETURN(
      auto done, store::in_transaction(store_, [&](store::transaction& tx) -> result<outcome> {
        ASSIGN_OR_RETURN(auto found, find_user_by_name(tx, pool.id, username));
        if (!found) {
          if (client.record.prevent_user_existence_errors) {
            // The answers a user who never gets the code sees, attempt after attempt.
            ASSIGN_OR_RETURN(auto verdict, codes_.check_decoy(tx, pool.id, username, kind_, now));
            return verdict == code_verdict::expired ? outcome::expired : outcome::mismatch;
          }
          return outcome::unknown_user;
        }
        auto user = std::move(*found);
        if (user.status != store::user_status::unconfirmed) {
          return outcome::already_confirmed;
        }
        ASSIGN_OR_RETURN(auto verdict, codes_.check(tx, user, kind_, user.email, code, now));
        if (verdict == code_verdict::mismatch) {
          return outcome::mismatch;
        }
        if (verdict == code_verdict::expired) {
          return outcome::expired;
        }
        auto attributes = attributes_from_json(user.attributes_json);
        attributes["email_verified"] = "true";
        user.attributes_json = attributes_to_json(attributes);
        user.status = store::user_status::confirmed;
        user.updated_at = now;
        RETURN_IF_ERROR(tx.users().update(user));
        RETURN_IF_ERROR(tx.audit().append(audit_of(user, "confirm_sign_up", now)));
        return outcome::confirmed;
      }));
  switch (done) {
    case outcome::confirmed:
      return {};
    case outcome::mismatch:
      return fail(reason::confirmation_code_mismatch);
    case outcome::expired:
      return fail(reason::confirmation_code_expired);
    case outcome::already_confirmed:
      return fail(reason::cannot_confirm_confirmed);
    case outcome::unknown_user:  // PreventUserExistenceErrors off
      return fail(reason::user_not_found);
  }
  return internal_failure("unreachable confirm outcome");
}

result<code_delivery> registration::resend_confirmation_code(const client_entry& client,
                                                             const std::string& username) {
  const auto& pool = *client.pool;
  const auto now = clock_.now();
  ASSIGN_OR_RETURN(
      auto sent_to,
      store::in_transaction(store_, [&](store::transaction& tx) -> result<std::string> {
        ASSIGN_OR_RETURN(auto found, find_user_by_name(tx, pool.id, username));
        if (!found) {
          // No such user: answer as if we sent (the same budget), send nothing.
          if (client.record.prevent_user_existence_errors) {
            RETURN_IF_ERROR(codes_.send_decoy(tx, pool.id, username, kind_, now));
            // Recorded as a real resend is (and the commit kept about its size).
            RETURN_IF_ERROR(tx.audit().append({.pool_id = pool.id,
                                               .user_id = "",
                                               .event = "resend_confirmation_code",
                                               .detail = R"({"sent":false})",
                                               .at = now}));
          }
          return std::string();
        }
        const auto& user = *found;
        if (user.status != store::user_status::unconfirmed) {
          return fail(reason::already_confirmed);
        }
        RETURN_IF_ERROR(codes_.send(tx, user, kind_, pool.settings, user.email, now));
        RETURN_IF_ERROR(tx.audit().append(audit_of(user, "resend_confirmation_code", now)));
        return user.email;
      }));
  if (sent_to.empty()) {
    if (!client.record.prevent_user_existence_errors) {
      return fail(reason::user_not_found);
    }
    return code_delivery{.destination = looks_like_email(username) ? mask_email(username) : "***"};
  }
  mail_queued_();
  return code_delivery{.destination = mask_email(sent_to)};
}

}  // namespace cognate::pool
