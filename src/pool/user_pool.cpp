#include "pool/user_pool.h"

#include "common/reasons.h"
#include "common/random.h"
#include "crypto/srp.h"
#include "mail/outbox.h"
#include "mail/template.h"
#include "pool/codes.h"
#include "pool/email_address.h"
#include "pool/password_check.h"
#include "pool/verifier_seal.h"

#include <fmt/format.h>

namespace cognate::pool {
namespace {

constexpr std::string_view signup_purpose = "signup";

std::string from_header(const pool_settings& s, const pool_options& o) {
  if (s.sender.from_email.empty()) {
    return o.default_from;
  }
  return s.sender.from_name.empty() ? s.sender.from_email
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
  return store::audit_record{u.pool_id, u.id, std::move(event), "{}", at};
}

}  // namespace

user_pool::user_pool(store::store& store, const crypto::sealer& sealer, const clock& clock,
                     const live_settings& settings, pool_options options,
                     std::function<void()> mail_queued)
    : store_(store),
      sealer_(sealer),
      clock_(clock),
      settings_(settings),
      options_(std::move(options)),
      mail_queued_(std::move(mail_queued)),
      code_key_(sealer.key().derive("code-hash")) {}

std::string pool_options::pool_name() const {
  auto underscore = pool_id.find('_');
  return underscore == std::string::npos ? pool_id : pool_id.substr(underscore + 1);
}

result<void> pool_options::check_client(const std::string& id) const {
  if (id != client_id) {
    return fail(reason::client_not_found, id);
  }
  return {};
}

store::user_record new_user_record(const crypto::sealer& sealer, const pool_options& pool,
                                   const std::string& email, const std::string& password,
                                   time_point now) {
  store::user_record user;
  user.pool_id = pool.pool_id;
  user.id = random_uuid();
  user.email = email;
  user.email_key = email_key(email);
  auto verifier = crypto::make_srp_verifier(pool.pool_name(), user.id, password);
  user.srp_salt_hex = verifier.salt_hex;
  user.srp_verifier_sealed = seal_verifier(sealer, user.id, verifier.verifier_hex);
  user.created_at = now;
  user.updated_at = now;
  return user;
}

result<std::optional<store::user_record>> find_user_by_name(store::transaction& tx,
                                                            const std::string& pool_id,
                                                            const std::string& username) {
  if (username.find('@') != std::string::npos) {
    return tx.users().find_by_email(pool_id, email_key(username));
  }
  return tx.users().find_by_id(pool_id, username);
}

result<void> user_pool::send_code(store::transaction& tx, const store::user_record& user,
                                  const pool_settings& settings,
                                  const std::optional<store::code_record>& previous) {
  const auto now = clock_.now();
  const std::string code = new_code();
  store::code_record record{user.pool_id, user.id, std::string(signup_purpose),
                            hash_code(code_key_, user.id, signup_purpose, code), "",
                            now + options_.code_lifetime, 0, 1, now};
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
  auto queued = tx.outbox().enqueue(mail::to_outbox_record(m, sealer_, now));
  if (!queued) {
    return queued.error();
  }
  return {};
}

result<sign_up_result> user_pool::sign_up(const sign_up_request& request) {
  RETURN_IF_ERROR(options_.check_client(request.client_id));
  if (!looks_like_email(request.username)) {
    return fail(reason::username_not_email);
  }
  const auto settings = settings_.get();
  RETURN_IF_ERROR(check_password(settings->password, request.password));
  for (const auto& [name, value] : request.attributes) {
    if (name == "email" && email_key(value) != email_key(request.username)) {
      return fail(reason::email_attribute_mismatch);
    }
  }
  auto attributes = check_client_attributes(*settings, request.attributes,
                                            {{"email", request.username}, {"email_verified", "false"}});
  if (!attributes) {
    return attributes.error();
  }

  const auto now = clock_.now();
  auto user = new_user_record(sealer_, options_, request.username, request.password, now);
  user.attributes_json = attributes_to_json(*attributes);

  auto created = store::in_transaction(store_, [&](store::transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.users().insert(user));
    RETURN_IF_ERROR(send_code(tx, user, *settings, std::nullopt));
    return tx.audit().append(audit_of(user, "sign_up", now));
  });
  if (!created) {
    return created.error();
  }
  mail_queued_();
  return sign_up_result{false, user.id, code_delivery{mask_email(user.email)}};
}

result<void> user_pool::confirm_sign_up(const std::string& client_id, const std::string& username,
                                        const std::string& code) {
  RETURN_IF_ERROR(options_.check_client(client_id));
  enum class outcome { confirmed, mismatch, expired, already_confirmed };
  const auto now = clock_.now();
  auto done = store::in_transaction(store_, [&](store::transaction& tx) -> result<outcome> {
    auto found = find_user_by_name(tx, options_.pool_id, username);
    if (!found) {
      return found.error();
    }
    if (!*found) {
      return outcome::mismatch;
    }
    auto user = std::move(**found);
    if (user.status == store::user_status::confirmed) {
      return outcome::already_confirmed;
    }
    auto stored = tx.codes().find(user.pool_id, user.id, std::string(signup_purpose));
    if (!stored) {
      return stored.error();
    }
    if (!*stored || (*stored)->failed_attempts >= options_.max_code_attempts ||
        now >= (*stored)->expires_at) {
      return outcome::expired;
    }
    auto record = std::move(**stored);
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
  });
  if (!done) {
    return done.error();
  }
  switch (*done) {
    case outcome::confirmed:
      return {};
    case outcome::mismatch:
      return fail(reason::confirmation_code_mismatch);
    case outcome::expired:
      return fail(reason::confirmation_code_expired);
    case outcome::already_confirmed:
      return fail(reason::cannot_confirm_confirmed);
  }
  return internal_failure("unreachable confirm outcome");
}

result<code_delivery> user_pool::resend_confirmation_code(const std::string& client_id,
                                                          const std::string& username) {
  RETURN_IF_ERROR(options_.check_client(client_id));
  const auto settings = settings_.get();
  const auto now = clock_.now();
  auto sent = store::in_transaction(store_, [&](store::transaction& tx) -> result<std::string> {
    auto found = find_user_by_name(tx, options_.pool_id, username);
    if (!found) {
      return found.error();
    }
    if (!*found) {
      return std::string();  // no such user: answer as if we sent, send nothing
    }
    const auto& user = **found;
    if (user.status == store::user_status::confirmed) {
      return fail(reason::already_confirmed);
    }
    auto previous = tx.codes().find(user.pool_id, user.id, std::string(signup_purpose));
    if (!previous) {
      return previous.error();
    }
    RETURN_IF_ERROR(send_code(tx, user, *settings, *previous));
    RETURN_IF_ERROR(tx.audit().append(audit_of(user, "resend_confirmation_code", now)));
    return user.email;
  });
  if (!sent) {
    return sent.error();
  }
  if (sent->empty()) {
    return code_delivery{looks_like_email(username) ? mask_email(username) : "***"};
  }
  mail_queued_();
  return code_delivery{mask_email(*sent)};
}

}  // namespace cognate::pool
