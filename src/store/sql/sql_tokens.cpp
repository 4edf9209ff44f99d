#include "store/sql/sql_repositories.h"

namespace cognate::store::sql {
namespace {

refresh_token_record token_from(const row& r) {
  return refresh_token_record{
      .token_hash = r.text("token_hash"),
      .pool_id = r.text("pool_id"),
      .user_id = r.text("user_id"),
      .client_id = r.text("client_id"),
      .origin_jti = r.text("origin_jti"),
      .auth_time = r.time("auth_time"),
      .expires_at = r.time("expires_at"),
      .revoked = r.boolean("revoked"),
      .created_at = r.time("created_at"),
  };
}

}  // namespace

result<void> sql_tokens::insert(const refresh_token_record& r) {
  return done(db_.run(
      "INSERT INTO refresh_tokens (token_hash, pool_id, user_id, client_id, origin_jti, "
      "auth_time, expires_at, revoked, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      {r.token_hash, r.pool_id, r.user_id, r.client_id, r.origin_jti, seconds(r.auth_time),
       seconds(r.expires_at), flag(r.revoked), seconds(r.created_at)}));
}

result<std::optional<refresh_token_record>> sql_tokens::find(const std::string& pool_id,
                                                             const std::string& token_hash) {
  return first_of(db_.query("SELECT token_hash, pool_id, user_id, client_id, origin_jti, "
                            "auth_time, expires_at, revoked, created_at FROM refresh_tokens "
                            "WHERE pool_id = ?1 AND token_hash = ?2",
                            {pool_id, token_hash}),
                  token_from);
}

result<bool> sql_tokens::family_revoked(const std::string& pool_id, const std::string& origin_jti) {
  ASSIGN_OR_RETURN(auto rows, db_.query("SELECT 1 AS revoked FROM refresh_tokens WHERE pool_id = "
                                        "?1 AND origin_jti = ?2 AND revoked = 1 LIMIT 1",
                                        {pool_id, origin_jti}));
  return !rows.empty();
}

result<void> sql_tokens::revoke_family(const std::string& pool_id, const std::string& origin_jti) {
  return done(
      db_.run("UPDATE refresh_tokens SET revoked = 1 WHERE pool_id = ?1 AND origin_jti = ?2",
              {pool_id, origin_jti}));
}

result<void> sql_tokens::revoke_user(const std::string& pool_id, const std::string& user_id) {
  return done(db_.run("UPDATE refresh_tokens SET revoked = 1 WHERE pool_id = ?1 AND user_id = ?2",
                      {pool_id, user_id}));
}

result<void> sql_tokens::remove_user(const std::string& pool_id, const std::string& user_id) {
  return done(db_.run("DELETE FROM refresh_tokens WHERE pool_id = ?1 AND user_id = ?2",
                      {pool_id, user_id}));
}


}  // namespace cognate::store::sql
