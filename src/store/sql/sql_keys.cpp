#include "store/sql/sql_repositories.h"

namespace cognate::store::sql {

result<void> sql_keys::insert(const signing_key_record& k) {
  return done(
      db_.run("INSERT INTO signing_keys (kid, pool_id, private_pem, active, created_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5)",
              {k.kid, k.pool_id, k.private_pem_sealed, flag(k.active), seconds(k.created_at)}));
}

result<std::vector<signing_key_record>> sql_keys::list(const std::string& pool_id) {
  return all_of(db_.query("SELECT kid, pool_id, private_pem, active, created_at FROM signing_keys "
                          "WHERE pool_id = ?1 ORDER BY created_at, kid",
                          {pool_id}),
                [](const row& r) {
                  return signing_key_record{
                      .kid = r.text("kid"),
                      .pool_id = r.text("pool_id"),
                      .private_pem_sealed = r.text("private_pem"),
                      .active = r.boolean("active"),
                      .created_at = r.time("created_at"),
                  };
                });
}

}  // namespace cognate::store::sql
