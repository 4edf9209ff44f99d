#include "store/sql/sql_transaction.h"
#include "common/reasons.h"

#include <fmt/format.h>

namespace cognate::store {
namespace {


using sql::row;
using sql::value;

std::string to_text(user_status s) { return s == user_status::confirmed ? "CONFIRMED" : "UNCONFIRMED"; }
user_status user_status_from(const std::string& s) {
  return s == "CONFIRMED" ? user_status::confirmed : user_status::unconfirmed;
}

constexpr std::string_view user_columns =
    "pool_id, id, email, email_key, status, enabled, attributes, srp_salt, srp_verifier, "
    "created_at, updated_at, failed_sign_ins, locked_until, totp_secret, totp_pending, "
    "totp_enabled, totp_preferred, totp_last_step";

user_record user_from(const row& r) {
  user_record u;
  u.pool_id = r.text(0);
  u.id = r.text(1);
  u.email = r.text(2);
  u.email_key = r.text(3);
  u.status = user_status_from(r.text(4));
  u.enabled = r.integer(5) != 0;
  u.attributes_json = r.text(6);
  u.srp_salt_hex = r.text(7);
  u.srp_verifier_sealed = r.text(8);
  u.created_at = from_unix(r.integer(9));
  u.updated_at = from_unix(r.integer(10));
  u.failed_sign_ins = static_cast<int>(r.integer(11));
  u.locked_until = from_unix(r.integer(12));
  u.totp_secret_sealed = r.text(13);
  u.totp_pending_sealed = r.text(14);
  u.totp_enabled = r.integer(15) != 0;
  u.totp_preferred = r.integer(16) != 0;
  u.totp_last_step = r.integer(17);
  return u;
}

auth_session_record session_from(const row& r) {
  return auth_session_record{r.text(0),
                             r.text(1),
                             r.text(2),
                             r.text(3),
                             r.text(4),
                             r.text(5),
                             static_cast<int>(r.integer(6)),
                             from_unix(r.integer(7)),
                             from_unix(r.integer(8))};
}

refresh_token_record refresh_from(const row& r) {
  return refresh_token_record{r.text(0),
                              r.text(1),
                              r.text(2),
                              r.text(3),
                              r.text(4),
                              from_unix(r.integer(5)),
                              from_unix(r.integer(6)),
                              r.integer(7) != 0,
                              from_unix(r.integer(8))};
}

code_record code_from(const row& r) {
  return code_record{r.text(0),
                     r.text(1),
                     r.text(2),
                     r.text(3),
                     r.text(4),
                     from_unix(r.integer(5)),
                     static_cast<int>(r.integer(6)),
                     static_cast<int>(r.integer(7)),
                     from_unix(r.integer(8))};
}

outbox_record outbox_from(const row& r) {
  return outbox_record{r.integer(0),          r.text(1), r.text(2), static_cast<int>(r.integer(3)),
                       from_unix(r.integer(4)), from_unix(r.integer(5)), r.text(6)};
}

// Turns "rows or failure" into "first row mapped, nothing, or failure".
template <class F>
auto first_of(result<std::vector<row>> rows, F map) -> result<std::optional<decltype(map(row{}))>> {
  if (!rows) {
    return rows.error();
  }
  if (rows->empty()) {
    return std::optional<decltype(map(row{}))>{};
  }
  return std::optional(map(rows->front()));
}

result<void> done(result<int> r) {
  if (!r) {
    return r.error();
  }
  return {};
}

class sql_transaction final : public transaction {
 public:
  explicit sql_transaction(sql::executor& db) : db_(db) {}

  result<std::optional<pool_record>> first_pool() override {
    return first_of(db_.query("SELECT id, name, created_at FROM pools ORDER BY created_at LIMIT 1"),
                    [](const row& r) {
                      return pool_record{r.text(0), r.text(1), from_unix(r.integer(2))};
                    });
  }

  result<void> insert_pool(const pool_record& p) override {
    return done(db_.run("INSERT INTO pools (id, name, created_at) VALUES (?1, ?2, ?3)",
                        {p.id, p.name, to_unix(p.created_at)}));
  }

  result<std::optional<client_record>> first_client(const std::string& pool_id) override {
    return first_of(db_.query("SELECT id, pool_id, name, created_at FROM app_clients "
                              "WHERE pool_id = ?1 ORDER BY created_at LIMIT 1",
                              {pool_id}),
                    client_from);
  }

  result<std::optional<client_record>> find_client(const std::string& client_id) override {
    return first_of(
        db_.query("SELECT id, pool_id, name, created_at FROM app_clients WHERE id = ?1",
                  {client_id}),
        client_from);
  }

  result<void> insert_client(const client_record& c) override {
    return done(
        db_.run("INSERT INTO app_clients (id, pool_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
                {c.id, c.pool_id, c.name, to_unix(c.created_at)}));
  }

  result<void> insert_user(const user_record& u) override {
    auto taken = db_.query("SELECT 1 FROM users WHERE pool_id = ?1 AND (email_key = ?2 OR id = ?3)",
                           {u.pool_id, u.email_key, u.id});
    if (!taken) {
      return taken.error();
    }
    if (!taken->empty()) {
      return fail(reason::username_exists);
    }
    return done(db_.run(
        fmt::format("INSERT INTO users ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                    "?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                    user_columns),
        user_values(u)));
  }

  result<void> update_user(const user_record& u) override {
    return done(db_.run(
        "UPDATE users SET email = ?3, email_key = ?4, status = ?5, enabled = ?6, attributes = ?7, "
        "srp_salt = ?8, srp_verifier = ?9, created_at = ?10, updated_at = ?11, "
        "failed_sign_ins = ?12, locked_until = ?13, totp_secret = ?14, totp_pending = ?15, "
        "totp_enabled = ?16, totp_preferred = ?17, totp_last_step = ?18 "
        "WHERE pool_id = ?1 AND id = ?2",
        user_values(u)));
  }

  result<std::optional<user_record>> find_user_by_email(const std::string& pool_id,
                                                        const std::string& email_key) override {
    return first_of(db_.query(fmt::format("SELECT {} FROM users WHERE pool_id = ?1 AND email_key = ?2",
                                          user_columns),
                              {pool_id, email_key}),
                    user_from);
  }

  result<std::optional<user_record>> find_user_by_id(const std::string& pool_id,
                                                     const std::string& user_id) override {
    return first_of(
        db_.query(fmt::format("SELECT {} FROM users WHERE pool_id = ?1 AND id = ?2", user_columns),
                  {pool_id, user_id}),
        user_from);
  }

  result<void> put_code(const code_record& c) override {
    return done(db_.run(
        "INSERT INTO codes (pool_id, user_id, purpose, code_hash, superseded_hash, "
        "expires_at, failed_attempts, sent_in_window, window_start) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
        "ON CONFLICT (pool_id, user_id, purpose) DO UPDATE SET code_hash = excluded.code_hash, "
        "superseded_hash = excluded.superseded_hash, expires_at = excluded.expires_at, "
        "failed_attempts = excluded.failed_attempts, sent_in_window = excluded.sent_in_window, "
        "window_start = excluded.window_start",
        {c.pool_id, c.user_id, c.purpose, c.code_hash, c.superseded_hash, to_unix(c.expires_at),
         std::int64_t{c.failed_attempts}, std::int64_t{c.sent_in_window},
         to_unix(c.window_start)}));
  }

  result<std::optional<code_record>> find_code(const std::string& pool_id,
                                               const std::string& user_id,
                                               const std::string& purpose) override {
    return first_of(
        db_.query("SELECT pool_id, user_id, purpose, code_hash, superseded_hash, expires_at, "
                  "failed_attempts, sent_in_window, window_start FROM codes "
                  "WHERE pool_id = ?1 AND user_id = ?2 AND purpose = ?3",
                  {pool_id, user_id, purpose}),
        code_from);
  }

  result<void> delete_code(const std::string& pool_id, const std::string& user_id,
                           const std::string& purpose) override {
    return done(db_.run("DELETE FROM codes WHERE pool_id = ?1 AND user_id = ?2 AND purpose = ?3",
                        {pool_id, user_id, purpose}));
  }

  result<std::int64_t> enqueue_mail(const outbox_record& m) override {
    auto rows = db_.query(
        "INSERT INTO outbox (recipient, payload, status, attempts, next_attempt_at, created_at, "
        "last_error) VALUES (?1, ?2, 'pending', 0, ?3, ?4, '') RETURNING id",
        {m.recipient, m.payload_sealed, to_unix(m.next_attempt_at), to_unix(m.created_at)});
    if (!rows) {
      return rows.error();
    }
    return rows->front().integer(0);
  }

  result<std::vector<outbox_record>> claim_due_mail(time_point now, time_point lease_until,
                                                    int limit) override {
    auto rows = db_.query(
        "UPDATE outbox SET next_attempt_at = ?2 WHERE id IN (SELECT id FROM outbox "
        "WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?3) "
        "RETURNING id, recipient, payload, attempts, next_attempt_at, created_at, last_error",
        {to_unix(now), to_unix(lease_until), std::int64_t{limit}});
    if (!rows) {
      return rows.error();
    }
    std::vector<outbox_record> out;
    for (const auto& r : *rows) {
      out.push_back(outbox_from(r));
    }
    return out;
  }

  result<void> mark_mail_sent(std::int64_t id, time_point at) override {
    return done(db_.run(
        "UPDATE outbox SET status = 'sent', payload = '', sent_at = ?2, last_error = '' WHERE id = ?1",
        {id, to_unix(at)}));
  }

  result<void> retry_mail_later(std::int64_t id, int attempts, time_point next_attempt_at,
                                const std::string& last_error) override {
    return done(db_.run(
        "UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, last_error = ?4 WHERE id = ?1",
        {id, std::int64_t{attempts}, to_unix(next_attempt_at), last_error}));
  }

  result<void> mark_mail_failed(std::int64_t id, const std::string& last_error) override {
    return done(db_.run(
        "UPDATE outbox SET status = 'failed', payload = '', last_error = ?2 WHERE id = ?1",
        {id, last_error}));
  }

  result<std::int64_t> count_pending_mail() override {
    auto rows = db_.query("SELECT count(*) FROM outbox WHERE status = 'pending'");
    if (!rows) {
      return rows.error();
    }
    return rows->front().integer(0);
  }

  result<void> audit(const audit_record& a) override {
    return done(db_.run(
        "INSERT INTO audit (pool_id, user_id, event, detail, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        {a.pool_id, a.user_id, a.event, a.detail, to_unix(a.at)}));
  }

  result<void> insert_session(const auth_session_record& r) override {
    return done(db_.run(
        "INSERT INTO auth_sessions (pool_id, handle_hash, user_id, client_id, step, state, "
        "failed_attempts, expires_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        {r.pool_id, r.handle_hash, r.user_id, r.client_id, r.step, r.state_sealed,
         std::int64_t{r.failed_attempts}, to_unix(r.expires_at), to_unix(r.created_at)}));
  }

  result<std::optional<auth_session_record>> find_session(const std::string& pool_id,
                                                          const std::string& handle_hash) override {
    return first_of(db_.query("SELECT pool_id, handle_hash, user_id, client_id, step, state, "
                              "failed_attempts, expires_at, created_at FROM auth_sessions "
                              "WHERE pool_id = ?1 AND handle_hash = ?2",
                              {pool_id, handle_hash}),
                    session_from);
  }

  result<void> update_session_attempts(const std::string& pool_id, const std::string& handle_hash,
                                       int attempts) override {
    return done(db_.run("UPDATE auth_sessions SET failed_attempts = ?3 "
                        "WHERE pool_id = ?1 AND handle_hash = ?2",
                        {pool_id, handle_hash, std::int64_t{attempts}}));
  }

  result<void> delete_session(const std::string& pool_id, const std::string& handle_hash) override {
    return done(db_.run("DELETE FROM auth_sessions WHERE pool_id = ?1 AND handle_hash = ?2",
                        {pool_id, handle_hash}));
  }

  result<void> insert_refresh_token(const refresh_token_record& r) override {
    return done(db_.run(
        "INSERT INTO refresh_tokens (token_hash, pool_id, user_id, client_id, origin_jti, "
        "auth_time, expires_at, revoked, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        {r.token_hash, r.pool_id, r.user_id, r.client_id, r.origin_jti, to_unix(r.auth_time),
         to_unix(r.expires_at), std::int64_t{r.revoked ? 1 : 0}, to_unix(r.created_at)}));
  }

  result<std::optional<refresh_token_record>> find_refresh_token(
      const std::string& pool_id, const std::string& token_hash) override {
    return first_of(db_.query("SELECT token_hash, pool_id, user_id, client_id, origin_jti, "
                              "auth_time, expires_at, revoked, created_at FROM refresh_tokens "
                              "WHERE pool_id = ?1 AND token_hash = ?2",
                              {pool_id, token_hash}),
                    refresh_from);
  }

  result<bool> family_revoked(const std::string& pool_id, const std::string& origin_jti) override {
    auto rows = db_.query(
        "SELECT 1 FROM refresh_tokens WHERE pool_id = ?1 AND origin_jti = ?2 AND revoked = 1 "
        "LIMIT 1",
        {pool_id, origin_jti});
    if (!rows) {
      return rows.error();
    }
    return !rows->empty();
  }

  result<void> revoke_family(const std::string& pool_id, const std::string& origin_jti) override {
    return done(db_.run(
        "UPDATE refresh_tokens SET revoked = 1 WHERE pool_id = ?1 AND origin_jti = ?2",
        {pool_id, origin_jti}));
  }

  result<void> revoke_user_tokens(const std::string& pool_id, const std::string& user_id) override {
    return done(db_.run("UPDATE refresh_tokens SET revoked = 1 WHERE pool_id = ?1 AND user_id = ?2",
                        {pool_id, user_id}));
  }

  result<int> delete_expired_sessions(time_point now) override {
    return db_.run("DELETE FROM auth_sessions WHERE expires_at < ?1", {to_unix(now)});
  }

  result<void> insert_signing_key(const signing_key_record& k) override {
    return done(db_.run(
        "INSERT INTO signing_keys (kid, pool_id, private_pem, active, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5)",
        {k.kid, k.pool_id, k.private_pem_sealed, std::int64_t{k.active ? 1 : 0},
         to_unix(k.created_at)}));
  }

  result<std::vector<signing_key_record>> signing_keys(const std::string& pool_id) override {
    auto rows = db_.query("SELECT kid, pool_id, private_pem, active, created_at FROM signing_keys "
                          "WHERE pool_id = ?1 ORDER BY created_at, kid",
                          {pool_id});
    if (!rows) {
      return rows.error();
    }
    std::vector<signing_key_record> out;
    for (const auto& r : *rows) {
      out.push_back({r.text(0), r.text(1), r.text(2), r.integer(3) != 0, from_unix(r.integer(4))});
    }
    return out;
  }

 private:
  static client_record client_from(const row& r) {
    return client_record{r.text(0), r.text(1), r.text(2), from_unix(r.integer(3))};
  }

  static std::vector<value> user_values(const user_record& u) {
    return {u.pool_id,
            u.id,
            u.email,
            u.email_key,
            to_text(u.status),
            std::int64_t{u.enabled ? 1 : 0},
            u.attributes_json,
            u.srp_salt_hex,
            u.srp_verifier_sealed,
            to_unix(u.created_at),
            to_unix(u.updated_at),
            std::int64_t{u.failed_sign_ins},
            to_unix(u.locked_until),
            u.totp_secret_sealed,
            u.totp_pending_sealed,
            std::int64_t{u.totp_enabled ? 1 : 0},
            std::int64_t{u.totp_preferred ? 1 : 0},
            u.totp_last_step};
  }

  sql::executor& db_;
};

}  // namespace

std::unique_ptr<transaction> make_sql_transaction(sql::executor& db) {
  return std::make_unique<sql_transaction>(db);
}

}  // namespace cognate::store
