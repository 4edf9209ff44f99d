#include "pool/registration.h"

#include "common/random.h"
#include "common/reasons.h"
#include "mail/outbox.h"
#include "mail/template.h"
#include "pool/codes.h"
#include "pool/email_address.h"
#include "pool/password_check.h"
#include "pool/users.h"

#include <fmt/format.h>

namespace cognate::pool {
namespace {

constexpr std::string_view signup_purpose = "signup";

std::string from_header(const pool_settings& s, const registration_options& o) {
  if (s.sender.from_email.empty()) {
    return o.default_from;
  }
  return s.sender.from_name.empty()
             ? s.sender.from_email
             : fmt::format("{} <{}>", s.sender.from_name, s.sender.from_email);
}

std::string domain_of(std::string_view from) {
  auto at = from.rfind('@');
  if (at == std::string_view::npos) {
    return "cognate.localhost";
  }
  auto domain = from.substr(at + 1);
  return std::string(domain.substr(0, domain.find('>')));
}

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
      code_key_(sealer.key().derive("code-hash")) {}

result<void> registration::send_code(store::transaction& tx, const store::user_record& user,
                                     const pool_settings& settings,
                                     const std::optional<store::code_record>& previous) {
  const auto now = clock_.now();
  const std::string code = new_code();
  store::code_record record{.pool_id = user.pool_id,
                            .user_id = user.id,
                            .purpose = std::string(signup_purpose),
                            .code_hash = hash_code(code_key_, user.id, signup_purpose, code),
                            .expires_at = now + options_.code_lifetime,
                            .sent_in_window = 1,
                            .window_start = now};
  if (previous) {
    record.superseded_hash = previous->code_hash;
    if (now < previous->window_start + std::chrono::hours(1)) {
      if (previous->sent_in_window >= options_.max_codes_per_hour) {
        return fail(reason::code_limit_exceeded);
      }
      record.sent_in_window = previous->sent_in_window + 1;
      record.window_start = previous->window_start;
    }
  }
  RETURN_IF_ERROR(tx.codes().put(record));
  mail::message m;
  m.from = from_header(settings, options_);
  m.to = user.email;
  m.reply_to = settings.sender.reply_to;
  m.subject = settings.email.verification_subject;
  m.body = mail::render_template(settings.email.verification_body, code, user.email);
  m.message_id = fmt::format("<{}@{}>", random_uuid(), domain_of(m.from));
  m.date = now;
  m.code = code;
  RETURN_IF_ERROR(tx.outbox().enqueue(mail::to_outbox_record(m, sealer_, now)));
  return {};
}

result<sign_up_result> registration::sign_up(const client_entry& client,
                                             const sign_up_request& request) {
  const auto& pool = *client.pool;
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
    RETURN_IF_ERROR(send_code(tx, user, pool.settings, std::nullopt));
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
          return outcome::unknown_user;
        }
        auto user = std::move(*found);
        if (user.status == store::user_status::confirmed) {
          return outcome::already_confirmed;
        }
        ASSIGN_OR_RETURN(auto stored,
                         tx.codes().find(user.pool_id, user.id, std::string(signup_purpose)));
        if (!stored || stored->failed_attempts >= options_.max_code_attempts ||
            now >= stored->expires_at) {
          return outcome::expired;
        }
        auto record = std::move(*stored);
        const auto offered = hash_code(code_key_, user.id, signup_purpose, code);
        if (same_hash(offered, record.code_hash)) {
          auto attributes = attributes_from_json(user.attributes_json);
          attributes["email_verified"] = "true";
          user.attributes_json = attributes_to_json(attributes);
          user.status = store::user_status::confirmed;
          user.updated_at = now;
          RETURN_IF_ERROR(tx.users().update(user));
          RETURN_IF_ERROR(tx.codes().remove(user.pool_id, user.id, record.purpose));
          RETURN_IF_ERROR(tx.audit().append(audit_of(user, "confirm_sign_up", now)));
          return outcome::confirmed;
        }
        if (!record.superseded_hash.empty() && same_hash(offered, record.superseded_hash)) {
          return outcome::expired;
        }
        ++record.failed_attempts;
        RETURN_IF_ERROR(tx.codes().put(record));
        return outcome::mismatch;
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
    case outcome::unknown_user:  // no enumeration, unless the app client turned that off
      return fail(client.record.prevent_user_existence_errors ? reason::confirmation_code_mismatch
                                                              : reason::user_not_found);
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
          return std::string();  // no such user: answer as if we sent, send nothing
        }
        const auto& user = *found;
        if (user.status == store::user_status::confirmed) {
          return fail(reason::already_confirmed);
        }
        ASSIGN_OR_RETURN(auto previous,
                         tx.codes().find(user.pool_id, user.id, std::string(signup_purpose)));
        RETURN_IF_ERROR(send_code(tx, user, pool.settings, previous));
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
