#include "store/sql/sql_repositories.h"

namespace cognate::store::sql {

result<void> sql_audit::append(const audit_record& a) {
  return done(
      db_.run("INSERT INTO audit (pool_id, user_id, event, detail, at) VALUES (?1, ?2, ?3, ?4, ?5)",
              {a.pool_id, a.user_id, a.event, a.detail, seconds(a.at)}));
}

result<std::vector<audit_record>> sql_audit::recent(const std::string& pool_id,
                                                    const std::string& user_id, int limit) {
  return all_of(db_.query("SELECT pool_id, user_id, event, detail, at FROM audit "
                          "WHERE pool_id = ?1 AND user_id = ?2 ORDER BY id DESC LIMIT ?3",
                          {pool_id, user_id, std::int64_t{limit}}),
                [](const row& r) {
                  return audit_record{.pool_id = r.text("pool_id"),
                                      .user_id = r.text("user_id"),
                                      .event = r.text("event"),
                                      .detail = r.text("detail"),
                                      .at = r.time("at")};
                });
}

}  // namespace cognate::store::sql
