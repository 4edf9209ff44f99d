#include "store/sql/sql_repositories.h"

namespace cognate::store::sql {

namespace {

audit_record audit_from(const row& r) {
  return audit_record{.pool_id = r.text("pool_id"),
                      .user_id = r.text("user_id"),
                      .event = r.text("event"),
                      .detail = r.text("detail"),
                      .at = r.time("at"),
                      .id = r.integer("id")};
}

}  // namespace

result<void> sql_audit::append(const audit_record& a) {
  return done(
      db_.run("INSERT INTO audit (pool_id, user_id, event, detail, at) VALUES (?1, ?2, ?3, ?4, ?5)",
              {a.pool_id, a.user_id, a.event, a.detail, seconds(a.at)}));
}

result<std::int64_t> sql_audit::open(const audit_record& a) {
  ASSIGN_OR_RETURN(auto rows, db_.query("INSERT INTO audit (pool_id, user_id, event, detail, at) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                                        {a.pool_id, a.user_id, a.event, a.detail, seconds(a.at)}));
  return rows.front().integer("id");
}

result<void> sql_audit::amend(std::int64_t id, const std::string& detail) {
  return done(db_.run("UPDATE audit SET detail = ?2 WHERE id = ?1", {id, detail}));
}

result<std::vector<audit_record>> sql_audit::search(const std::string& pool_id,
                                                    const std::string& user_id, time_point since,
                                                    int limit) {
  return all_of(db_.query("SELECT id, pool_id, user_id, event, detail, at FROM audit "
                          "WHERE (?1 = '' OR pool_id = ?1) AND (?2 = '' OR user_id = ?2) "
                          "AND at >= ?3 ORDER BY id DESC LIMIT ?4",
                          {pool_id, user_id, seconds(since), std::int64_t{limit}}),
                audit_from);
}

result<int> sql_audit::remove_before(time_point before, int limit) {
  return db_.run("DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ?1 LIMIT ?2)",
                 {seconds(before), std::int64_t{limit}});
}

result<std::vector<audit_record>> sql_audit::of_user(const std::string& pool_id,
                                                     const std::string& user_id,
                                                     std::int64_t before_id, int limit) {
  return all_of(db_.query("SELECT id, pool_id, user_id, event, detail, at FROM audit "
                          "WHERE pool_id = ?1 AND user_id = ?2 AND (?3 = 0 OR id < ?3) "
                          "ORDER BY id DESC LIMIT ?4",
                          {pool_id, user_id, before_id, std::int64_t{limit}}),
                audit_from);
}

}  // namespace cognate::store::sql
