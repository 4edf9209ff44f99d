#include "common/reasons.h"
#include "store/sql/sql_repositories.h"

#include <algorithm>

namespace cognate::store::sql {
namespace {

constexpr std::string_view columns =
    "pool_id, name, description, precedence, role_arn, created_at, updated_at";

std::string key_of(const std::string& name) {
  std::string out = name;
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

group_record group_from(const row& r) {
  return group_record{
      .pool_id = r.text("pool_id"),
      .name = r.text("name"),
      .description = r.text("description"),
      .precedence = r.is_null("precedence") ? std::nullopt
                                             : std::optional<std::int64_t>(r.integer("precedence")),
      .role_arn = r.text("role_arn"),
      .created_at = r.time("created_at"),
      .updated_at = r.time("updated_at"),
  };
}

value precedence_value(const group_record& g) {
  return g.precedence ? value(*g.precedence) : value(nullptr);
}

}  // namespace

result<void> sql_groups::insert(const group_record& g) {
  ASSIGN_OR_RETURN(auto taken, db_.query("SELECT 1 AS taken FROM user_groups WHERE pool_id = ?1 "
                                         "AND name_key = ?2",
                                         {g.pool_id, key_of(g.name)}));
  if (!taken.empty()) {
    return fail(reason::group_exists, g.name);
  }
  return done(db_.run(
      "INSERT INTO user_groups (pool_id, name_key, name, description, precedence, role_arn, "
      "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
      {g.pool_id, key_of(g.name), g.name, g.description, precedence_value(g), g.role_arn,
       seconds(g.created_at), seconds(g.updated_at)}));
}

result<void> sql_groups::update(const group_record& g) {
  return done(db_.run("UPDATE user_groups SET description = ?3, precedence = ?4, role_arn = ?5, "
                      "updated_at = ?6 WHERE pool_id = ?1 AND name_key = ?2",
                      {g.pool_id, key_of(g.name), g.description, precedence_value(g), g.role_arn,
                       seconds(g.updated_at)}));
}

result<void> sql_groups::remove(const std::string& pool_id, const std::string& name) {
  RETURN_IF_ERROR(done(db_.run("DELETE FROM group_members WHERE pool_id = ?1 AND name_key = ?2",
                               {pool_id, key_of(name)})));
  return done(db_.run("DELETE FROM user_groups WHERE pool_id = ?1 AND name_key = ?2",
                      {pool_id, key_of(name)}));
}

result<std::optional<group_record>> sql_groups::find(const std::string& pool_id,
                                                     const std::string& name) {
  return first_of(db_.query(fmt::format("SELECT {} FROM user_groups WHERE pool_id = ?1 AND "
                                        "name_key = ?2",
                                        columns),
                            {pool_id, key_of(name)}),
                  group_from);
}

result<std::vector<group_record>> sql_groups::list(const std::string& pool_id,
                                                   const std::string& after, int limit) {
  return all_of(db_.query(fmt::format("SELECT {} FROM user_groups WHERE pool_id = ?1 AND "
                                      "name_key > ?2 ORDER BY name_key LIMIT ?3",
                                      columns),
                          {pool_id, key_of(after), std::int64_t{limit}}),
                group_from);
}

result<void> sql_groups::add_member(const std::string& pool_id, const std::string& name,
                                    const std::string& user_id) {
  return done(db_.run("INSERT INTO group_members (pool_id, name_key, user_id) VALUES (?1, ?2, ?3) "
                      "ON CONFLICT (pool_id, name_key, user_id) DO NOTHING",
                      {pool_id, key_of(name), user_id}));
}

result<void> sql_groups::remove_member(const std::string& pool_id, const std::string& name,
                                       const std::string& user_id) {
  return done(db_.run("DELETE FROM group_members WHERE pool_id = ?1 AND name_key = ?2 AND "
                      "user_id = ?3",
                      {pool_id, key_of(name), user_id}));
}

result<std::vector<std::string>> sql_groups::members(const std::string& pool_id,
                                                     const std::string& name,
                                                     const std::string& after_user_id,
                                                     int limit) {
  return all_of(db_.query("SELECT user_id FROM group_members WHERE pool_id = ?1 AND name_key = ?2 "
                          "AND user_id > ?3 ORDER BY user_id LIMIT ?4",
                          {pool_id, key_of(name), after_user_id, std::int64_t{limit}}),
                [](const row& r) { return r.text("user_id"); });
}

result<std::vector<group_record>> sql_groups::groups_of(const std::string& pool_id,
                                                        const std::string& user_id) {
  return all_of(db_.query("SELECT g.pool_id, g.name, g.description, g.precedence, g.role_arn, "
                          "g.created_at, g.updated_at FROM group_members m JOIN user_groups g ON "
                          "g.pool_id = m.pool_id AND g.name_key = m.name_key WHERE m.pool_id = ?1 "
                          "AND m.user_id = ?2 ORDER BY g.name_key",
                          {pool_id, user_id}),
                group_from);
}

result<void> sql_groups::remove_user(const std::string& pool_id, const std::string& user_id) {
  return done(db_.run("DELETE FROM group_members WHERE pool_id = ?1 AND user_id = ?2",
                      {pool_id, user_id}));
}

}  // namespace cognate::store::sql
