#include "store/sql/sql_repositories.h"

namespace cognate::store::sql {
namespace {

constexpr std::string_view columns =
    "pool_id, user_id, id, kind, status, secret, enabled, preferred, counter, data, created_at, "
    "updated_at";

factor_record factor_of(const row& r) { return factor_from(r); }

}  // namespace

factor_record factor_from(const row& r, std::string_view prefix) {
  const auto c = [&](std::string_view name) { return std::string(prefix) + std::string(name); };
  return factor_record{
      .pool_id = r.text(c("pool_id")),
      .user_id = r.text(c("user_id")),
      .id = r.text(c("id")),
      .kind = r.text(c("kind")),
      .status = r.text(c("status")) == "pending" ? factor_status::pending : factor_status::active,
      .secret_sealed = r.text(c("secret")),
      .enabled = r.boolean(c("enabled")),
      .preferred = r.boolean(c("preferred")),
      .counter = r.integer(c("counter")),
      .data_json = r.text(c("data")),
      .created_at = r.time(c("created_at")),
      .updated_at = r.time(c("updated_at")),
  };
}

result<std::vector<factor_record>> sql_factors::list(const std::string& pool_id,
                                                     const std::string& user_id) {
  return all_of(db_.query(fmt::format("SELECT {} FROM user_factors WHERE pool_id = ?1 AND "
                                      "user_id = ?2 ORDER BY id",
                                      columns),
                          {pool_id, user_id}),
                factor_of);
}

result<std::optional<factor_record>> sql_factors::find(const std::string& pool_id,
                                                       const std::string& user_id,
                                                       const std::string& id) {
  return first_of(db_.query(fmt::format("SELECT {} FROM user_factors WHERE pool_id = ?1 AND "
                                        "user_id = ?2 AND id = ?3",
                                        columns),
                            {pool_id, user_id, id}),
                  factor_of);
}

result<void> sql_factors::put(const factor_record& f) {
  return done(db_.run(
      fmt::format(
          "INSERT INTO user_factors ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
          "?11, ?12) ON CONFLICT (pool_id, user_id, id) DO UPDATE SET kind = excluded.kind, "
          "status = excluded.status, secret = excluded.secret, enabled = excluded.enabled, "
          "preferred = excluded.preferred, counter = excluded.counter, data = "
          "excluded.data, created_at = excluded.created_at, updated_at = excluded.updated_at",
          columns),
      {f.pool_id, f.user_id, f.id, f.kind,
       std::string(f.status == factor_status::pending ? "pending" : "active"), f.secret_sealed,
       flag(f.enabled), flag(f.preferred), f.counter, f.data_json, seconds(f.created_at),
       seconds(f.updated_at)}));
}

result<void> sql_factors::remove(const std::string& pool_id, const std::string& user_id,
                                 const std::string& id) {
  return done(db_.run("DELETE FROM user_factors WHERE pool_id = ?1 AND user_id = ?2 AND id = ?3",
                      {pool_id, user_id, id}));
}

result<void> sql_factors::remove_user(const std::string& pool_id, const std::string& user_id) {
  return done(db_.run("DELETE FROM user_factors WHERE pool_id = ?1 AND user_id = ?2",
                      {pool_id, user_id}));
}


}  // namespace cognate::store::sql
