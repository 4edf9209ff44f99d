#include "store/sql/sql_repositories.h"

namespace cognate::store::sql {
namespace {

auth_session_record session_from(const row& r) {
  return auth_session_record{
      .pool_id = r.text("pool_id"),
      .handle_hash = r.text("handle_hash"),
      .user_id = r.text("user_id"),
      .client_id = r.text("client_id"),
      .step = r.text("step"),
      .state_sealed = r.text("state"),
      .failed_attempts = static_cast<int>(r.integer("failed_attempts")),
      .expires_at = r.time("expires_at"),
      .created_at = r.time("created_at"),
  };
}

}  // namespace

result<void> sql_sessions::insert(const auth_session_record& s) {
  return done(db_.run(
      "INSERT INTO auth_sessions (pool_id, handle_hash, user_id, client_id, step, state, "
      "failed_attempts, expires_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      {s.pool_id, s.handle_hash, s.user_id, s.client_id, s.step, s.state_sealed,
       std::int64_t{s.failed_attempts}, seconds(s.expires_at), seconds(s.created_at)}));
}

result<std::optional<auth_session_record>> sql_sessions::find(const std::string& handle_hash) {
  return first_of(db_.query("SELECT pool_id, handle_hash, user_id, client_id, step, state, "
                            "failed_attempts, expires_at, created_at FROM auth_sessions "
                            "WHERE handle_hash = ?1",
                            {handle_hash}),
                  session_from);
}

result<void> sql_sessions::set_attempts(const std::string& handle_hash, int failed_attempts) {
  return done(db_.run("UPDATE auth_sessions SET failed_attempts = ?2 WHERE handle_hash = ?1",
                      {handle_hash, std::int64_t{failed_attempts}}));
}

result<void> sql_sessions::remove(const std::string& handle_hash) {
  return done(db_.run("DELETE FROM auth_sessions WHERE handle_hash = ?1", {handle_hash}));
}

result<void> sql_sessions::remove_user(const std::string& pool_id, const std::string& user_id) {
  return done(db_.run("DELETE FROM auth_sessions WHERE pool_id = ?1 AND user_id = ?2",
                      {pool_id, user_id}));
}

result<void> sql_sessions::remove_user_step(const std::string& pool_id, const std::string& user_id,
                                            const std::string& step) {
  return done(db_.run("DELETE FROM auth_sessions WHERE pool_id = ?1 AND user_id = ?2 AND step = ?3",
                      {pool_id, user_id, step}));
}

result<int> sql_sessions::remove_expired(time_point now) {

  return db_.run("DELETE FROM auth_sessions WHERE expires_at < ?1", {seconds(now)});
}

}  // namespace cognate::store::sql
