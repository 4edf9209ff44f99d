#include "store/sql/sql_repositories.h"

namespace cognate::store::sql {
namespace {

code_record code_from(const row& r) {
  return code_record{
      .pool_id = r.text("pool_id"),
      .user_id = r.text("user_id"),
      .purpose = r.text("purpose"),
      .code_hash = r.text("code_hash"),
      .superseded_hash = r.text("superseded_hash"),
      .expires_at = r.time("expires_at"),
      .failed_attempts = static_cast<int>(r.integer("failed_attempts")),
      .sent_in_window = static_cast<int>(r.integer("sent_in_window")),
      .window_start = r.time("window_start"),
  };
}

}  // namespace

result<void> sql_codes::put(const code_record& c) {
  return done(db_.run(
      "INSERT INTO codes (pool_id, user_id, purpose, code_hash, superseded_hash, "
      "expires_at, failed_attempts, sent_in_window, window_start) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
      "ON CONFLICT (pool_id, user_id, purpose) DO UPDATE SET code_hash = excluded.code_hash, "
      "superseded_hash = excluded.superseded_hash, expires_at = excluded.expires_at, "
      "failed_attempts = excluded.failed_attempts, sent_in_window = excluded.sent_in_window, "
      "window_start = excluded.window_start",
      {c.pool_id, c.user_id, c.purpose, c.code_hash, c.superseded_hash, seconds(c.expires_at),
       std::int64_t{c.failed_attempts}, std::int64_t{c.sent_in_window}, seconds(c.window_start)}));
}

result<std::optional<code_record>> sql_codes::find(const std::string& pool_id,
                                                   const std::string& user_id,
                                                   const std::string& purpose) {
  return first_of(
      db_.query("SELECT pool_id, user_id, purpose, code_hash, superseded_hash, expires_at, "
                "failed_attempts, sent_in_window, window_start FROM codes "
                "WHERE pool_id = ?1 AND user_id = ?2 AND purpose = ?3",
                {pool_id, user_id, purpose}),
      code_from);
}

result<void> sql_codes::remove_user(const std::string& pool_id, const std::string& user_id) {
  return done(
      db_.run("DELETE FROM codes WHERE pool_id = ?1 AND user_id = ?2", {pool_id, user_id}));
}

result<void> sql_codes::put_decoy(const code_record& c) {
  return done(db_.run(
      "INSERT INTO decoy_codes (pool_id, name_key, purpose, expires_at, failed_attempts, "
      "sent_in_window, window_start) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
      "ON CONFLICT (pool_id, name_key, purpose) DO UPDATE SET expires_at = excluded.expires_at, "
      "failed_attempts = excluded.failed_attempts, sent_in_window = excluded.sent_in_window, "
      "window_start = excluded.window_start",
      {c.pool_id, c.user_id, c.purpose, seconds(c.expires_at), std::int64_t{c.failed_attempts},
       std::int64_t{c.sent_in_window}, seconds(c.window_start)}));
}

result<std::optional<code_record>> sql_codes::find_decoy(const std::string& pool_id,
                                                         const std::string& name_key,
                                                         const std::string& purpose) {
  return first_of(db_.query("SELECT pool_id, name_key, purpose, expires_at, failed_attempts, "
                            "sent_in_window, window_start FROM decoy_codes "
                            "WHERE pool_id = ?1 AND name_key = ?2 AND purpose = ?3",
                            {pool_id, name_key, purpose}),
                  [](const row& r) {
                    return code_record{
                        .pool_id = r.text("pool_id"),
                        .user_id = r.text("name_key"),
                        .purpose = r.text("purpose"),
                        .expires_at = r.time("expires_at"),
                        .failed_attempts = static_cast<int>(r.integer("failed_attempts")),
                        .sent_in_window = static_cast<int>(r.integer("sent_in_window")),
                        .window_start = r.time("window_start"),
                    };
                  });
}

result<int> sql_codes::remove_stale_decoys(time_point now) {
  return db_.run("DELETE FROM decoy_codes WHERE expires_at < ?1 AND window_start < ?2",
                 {seconds(now), seconds(now - std::chrono::hours(1))});
}

result<void> sql_codes::remove(const std::string& pool_id, const std::string& user_id,

                               const std::string& purpose) {
  return done(db_.run("DELETE FROM codes WHERE pool_id = ?1 AND user_id = ?2 AND purpose = ?3",
                      {pool_id, user_id, purpose}));
}

}  // namespace cognate::store::sql
