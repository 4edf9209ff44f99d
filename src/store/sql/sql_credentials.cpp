#include "store/sql/sql_repositories.h"

namespace cognate::store::sql {
namespace {

constexpr std::string_view columns = "access_key_id, name, secret, pools, allow, created_at, revoked_at";

credential_record credential_from(const row& r) {
  return credential_record{
      .access_key_id = r.text("access_key_id"),
      .name = r.text("name"),
      .secret_sealed = r.text("secret"),
      .pools = list_from(r.text("pools")),
      .allow = list_from(r.text("allow")),
      .created_at = r.time("created_at"),
      .revoked_at = r.is_null("revoked_at") ? std::nullopt
                                             : std::optional<time_point>(r.time("revoked_at")),
  };
}

}  // namespace

result<void> sql_credentials::insert(const credential_record& c) {
  return done(db_.run(
      fmt::format("INSERT INTO operator_credentials ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                  columns),
      {c.access_key_id, c.name, c.secret_sealed, list_text(c.pools), list_text(c.allow),
       seconds(c.created_at),
       c.revoked_at ? value(seconds(*c.revoked_at)) : value(nullptr)}));
}

result<std::optional<credential_record>> sql_credentials::find(const std::string& access_key_id) {
  return first_of(db_.query(fmt::format("SELECT {} FROM operator_credentials "
                                        "WHERE access_key_id = ?1",
                                        columns),
                            {access_key_id}),
                  credential_from);
}

result<std::vector<credential_record>> sql_credentials::list() {
  return all_of(db_.query(fmt::format("SELECT {} FROM operator_credentials "
                                      "ORDER BY created_at, access_key_id",
                                      columns)),
                credential_from);
}

result<bool> sql_credentials::revoke(const std::string& access_key_id, time_point at) {
  ASSIGN_OR_RETURN(auto changed,
                   db_.run("UPDATE operator_credentials SET revoked_at = ?2 "
                           "WHERE access_key_id = ?1 AND revoked_at IS NULL",
                           {access_key_id, seconds(at)}));
  return changed > 0;
}

}  // namespace cognate::store::sql
