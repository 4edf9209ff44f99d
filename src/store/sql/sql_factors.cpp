#include "store/sql/sql_repositories.h"

namespace cognate::store::sql {
namespace {

constexpr std::string_view columns =
    "pool_id, user_id, id, kind, status, secret, enabled, preferred, counter, data, created_at, "
    "updated_at";

factor_record factor_from(const row& r) {
  return factor_record{
      .pool_id = r.text("pool_id"),
      .user_id = r.text("user_id"),
      .id = r.text("id"),
      .kind = r.text("kind"),
      .status = r.text("status") == "pending" ? factor_status::pending : factor_status::active,
      .secret_sealed = r.text("secret"),
      .enabled = r.boolean("enabled"),
      .preferred = r.boolean("preferred"),
      .counter = r.integer("counter"),
      .data_json = r.text("data"),
      .created_at = r.time("created_at"),
      .updated_at = r.time("updated_at"),
  };
}

}  // namespace

result<std::vector<factor_record>> sql_factors::list(const std::string& pool_id,
                                                     const std::string& user_id) {
  return all_of(db_.query(fmt::format("SELECT {} FROM user_factors WHERE pool_id = ?1 AND "
                                      "user_id = ?2 ORDER BY id",
                                      columns),
                          {pool_id, user_id}),
                factor_from);
}

result<std::optional<factor_record>> sql_factors::find(const std::string& pool_id,
                                                       const std::string& user_id,
                                                       const std::string& id) {
  return first_of(db_.query(fmt::format("SELECT {} FROM user_factors WHERE pool_id = ?1 AND "
                                        "user_id = ?2 AND id = ?3",
                                        columns),
                            {pool_id, user_id, id}),
                  factor_from);
}

result<void> sql_factors::put(const factor_record& f) {
  return done(db_.run(
      fmt::format("INSERT INTO user_factors ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
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

}  // namespace cognate::store::sql
