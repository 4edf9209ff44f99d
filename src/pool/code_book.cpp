#include "pool/code_book.h"

#include "common/encoding.h"
#include "common/random.h"
#include "common/reasons.h"
#include "crypto/hmac.h"
#include "mail/outbox.h"
#include "mail/template.h"
#include "pool/codes.h"
#include "pool/email_address.h"

#include <fmt/format.h>

namespace cognate::pool {
namespace {

constexpr auto budget_window = std::chrono::hours(1);

// Carries the hourly budget from `previous` into `next` (a code being sent at `now`).
result<void> spend_budget(store::code_record& next, const std::optional<store::code_record>& previous,
                          time_point now, int max_per_hour) {
  next.sent_in_window = 1;
  next.window_start = now;
  if (previous && now < previous->window_start + budget_window) {
    if (previous->sent_in_window >= max_per_hour) {
      return fail(reason::code_limit_exceeded);
    }
    next.sent_in_window = previous->sent_in_window + 1;
    next.window_start = previous->window_start;
  }
  return {};
}

// Whether `c` can still be guessed at.
bool live(const store::code_record& c, time_point now, int max_attempts) {
  return c.failed_attempts < max_attempts && now < c.expires_at;
}

std::string from_header(const pool_settings& s, const std::string& default_from) {
  if (s.sender.from_email.empty()) {
    return default_from;
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

}  // namespace

result<void> answer_of(code_verdict verdict) {
  switch (verdict) {
    case code_verdict::accepted:
      return {};
    case code_verdict::mismatch:
      return fail(reason::confirmation_code_mismatch);
    case code_verdict::expired:
      break;
  }
  return fail(reason::confirmation_code_expired);
}

code_book::code_book(const crypto::sealer& sealer, code_limits limits, std::string default_from)
    : sealer_(sealer),
      limits_(limits),
      default_from_(std::move(default_from)),
      key_(sealer.derive("code-hash")) {}

std::string code_book::hash(const store::user_record& user, const code_kind& kind,
                            const std::string& to, const std::string& code) const {
  if (kind.bound_to_address) {
    return hash_code(key_, user.id, fmt::format("{}\n{}", kind.purpose, email_key(to)), code);
  }
  return hash_code(key_, user.id, kind.purpose, code);
}

std::string code_book::decoy_key(const std::string& pool_id, const std::string& name) const {
  const auto message = fmt::format("decoy\n{}\n{}", pool_id, email_key(name));
  return hex_encode(crypto::hmac_sha256(key_, as_bytes(message)));
}

result<void> code_book::send(store::transaction& tx, const store::user_record& user,
                             const code_kind& kind, const pool_settings& settings,
                             const std::string& to, time_point now) const {
  const std::string purpose(kind.purpose);
  ASSIGN_OR_RETURN(auto previous, tx.codes().find(user.pool_id, user.id, purpose));
  const std::string code = new_code();
  store::code_record record{.pool_id = user.pool_id,
                            .user_id = user.id,
                            .purpose = purpose,
                            .code_hash = hash(user, kind, to, code),
                            .superseded_hash = previous ? previous->code_hash : std::string(),
                            .expires_at = now + kind.lifetime};
  RETURN_IF_ERROR(spend_budget(record, previous, now, limits_.max_per_hour));
  RETURN_IF_ERROR(tx.codes().put(record));
  return mail(tx, user, settings, settings.email.verification_subject,
              settings.email.verification_body, to, code, to, now);
}

result<void> code_book::mail(store::transaction& tx, const store::user_record& user,
                             const pool_settings& settings, std::string_view subject,
                             std::string_view body, const std::string& to, const std::string& code,
                             const std::string& username, time_point now) const {
  mail::message m;
  m.from = from_header(settings, default_from_);
  m.to = to;
  m.reply_to = settings.sender.reply_to;
  m.subject = std::string(subject);
  m.body = mail::render_template(body, code, username);
  m.message_id = fmt::format("<{}@{}>", random_uuid(), domain_of(m.from));
  m.date = now;
  m.code = code;
  auto row = mail::to_outbox_record(m, sealer_, now);
  row.pool_id = user.pool_id;
  row.user_id = user.id;
  RETURN_IF_ERROR(tx.outbox().enqueue(row));
  return {};
}

result<std::optional<store::code_record>> code_book::find_decoy(store::transaction& tx,
                                                                const std::string& pool_id,
                                                                const std::string& key,
                                                                const code_kind& kind,
                                                                time_point now) {
  const std::string purpose(kind.purpose);
  ASSIGN_OR_RETURN(auto stored, tx.codes().find_decoy(pool_id, key, purpose));
  if (!stored && kind.decoy_always_sent) {
    // As for a user who just signed up: a live code, which spent one of this hour's budget.
    stored = store::code_record{.pool_id = pool_id,
                                .user_id = key,
                                .purpose = purpose,
                                .expires_at = now + kind.lifetime,
                                .sent_in_window = 1,
                                .window_start = now};
  }
  return stored;
}

result<void> code_book::send_decoy(store::transaction& tx, const std::string& pool_id,
                                   const std::string& name, const code_kind& kind,
                                   time_point now) const {
  const std::string purpose(kind.purpose);
  const auto key = decoy_key(pool_id, name);
  ASSIGN_OR_RETURN(auto previous, find_decoy(tx, pool_id, key, kind, now));
  store::code_record record{
      .pool_id = pool_id, .user_id = key, .purpose = purpose, .expires_at = now + kind.lifetime};
  RETURN_IF_ERROR(spend_budget(record, previous, now, limits_.max_per_hour));
  return tx.codes().put_decoy(record);
}

result<code_verdict> code_book::check(store::transaction& tx, const store::user_record& user,
                                      const code_kind& kind, const std::string& to,
                                      const std::string& code, time_point now) const {
  const std::string purpose(kind.purpose);
  ASSIGN_OR_RETURN(auto stored, tx.codes().find(user.pool_id, user.id, purpose));
  if (!stored || !live(*stored, now, limits_.max_attempts)) {
    return code_verdict::expired;
  }
  auto record = std::move(*stored);
  const auto offered = hash(user, kind, to, code);
  if (same_hash(offered, record.code_hash)) {
    RETURN_IF_ERROR(tx.codes().remove(user.pool_id, user.id, purpose));
    return code_verdict::accepted;
  }
  if (!record.superseded_hash.empty() && same_hash(offered, record.superseded_hash)) {
    return code_verdict::expired;
  }
  ++record.failed_attempts;
  RETURN_IF_ERROR(tx.codes().put(record));
  return code_verdict::mismatch;
}

result<code_verdict> code_book::check_decoy(store::transaction& tx, const std::string& pool_id,
                                            const std::string& name, const code_kind& kind,
                                            time_point now) const {
  const auto key = decoy_key(pool_id, name);
  ASSIGN_OR_RETURN(auto stored, find_decoy(tx, pool_id, key, kind, now));
  if (!stored || !live(*stored, now, limits_.max_attempts)) {
    return code_verdict::expired;
  }
  auto record = std::move(*stored);
  ++record.failed_attempts;
  RETURN_IF_ERROR(tx.codes().put_decoy(record));
  return code_verdict::mismatch;
}

result<int> code_book::sweep(store::transaction& tx, time_point now) {
  return tx.codes().remove_stale_decoys(now);
}

}  // namespace cognate::pool
