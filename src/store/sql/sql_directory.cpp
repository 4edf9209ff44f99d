#include "store/sql/sql_repositories.h"

#include <boost/json.hpp>

namespace cognate::store::sql {
namespace {

constexpr std::string_view pool_columns = "id, name, settings, issuer, created_at, updated_at";
constexpr std::string_view client_columns =
    "id, pool_id, name, auth_flows, access_token_validity, id_token_validity, "
    "refresh_token_validity, auth_session_validity, read_attributes, write_attributes, secret, "
    "prevent_user_existence_errors, created_at, updated_at";


pool_record pool_from(const row& r) {
  return pool_record{
      .id = r.text("id"),
      .name = r.text("name"),
      .settings_json = r.text("settings"),
      .issuer = r.text("issuer"),
      .created_at = r.time("created_at"),
      .updated_at = r.time("updated_at"),
  };
}

client_record client_from(const row& r) {
  return client_record{
      .id = r.text("id"),
      .pool_id = r.text("pool_id"),
      .name = r.text("name"),
      .auth_flows = list_from(r.text("auth_flows")),
      .access_token_validity = r.integer("access_token_validity"),
      .id_token_validity = r.integer("id_token_validity"),
      .refresh_token_validity = r.integer("refresh_token_validity"),
      .auth_session_validity = r.integer("auth_session_validity"),
      .read_attributes = list_from(r.text("read_attributes")),
      .write_attributes = list_from(r.text("write_attributes")),
      .secret_sealed = r.text("secret"),
      .prevent_user_existence_errors = r.boolean("prevent_user_existence_errors"),
      .created_at = r.time("created_at"),
      .updated_at = r.time("updated_at"),
  };
}

// In the order of `client_columns`: ?1 … ?14.
std::vector<value> values_of(const client_record& c) {
  return {c.id,
          c.pool_id,
          c.name,
          list_text(c.auth_flows),
          c.access_token_validity,
          c.id_token_validity,
          c.refresh_token_validity,
          c.auth_session_validity,
          list_text(c.read_attributes),
          list_text(c.write_attributes),
          c.secret_sealed,
          flag(c.prevent_user_existence_errors),
          seconds(c.created_at),
          seconds(c.updated_at)};
}

}  // namespace

result<void> sql_directory::bump_version() {
  return done(db_.run("UPDATE directory_version SET version = version + 1"));
}

result<std::int64_t> sql_directory::version() {
  ASSIGN_OR_RETURN(auto rows, db_.query("SELECT version FROM directory_version"));
  return rows.empty() ? 0 : rows.front().integer("version");
}

result<std::vector<pool_record>> sql_directory::pools() {
  return all_of(
      db_.query(fmt::format("SELECT {} FROM pools ORDER BY created_at, id", pool_columns)),
      pool_from);
}

result<std::optional<pool_record>> sql_directory::find_pool(const std::string& pool_id) {
  return first_of(
      db_.query(fmt::format("SELECT {} FROM pools WHERE id = ?1", pool_columns), {pool_id}),
      pool_from);
}

result<void> sql_directory::insert_pool(const pool_record& p) {
  RETURN_IF_ERROR(db_.run(
      fmt::format("INSERT INTO pools ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", pool_columns),
      {p.id, p.name, p.settings_json, p.issuer, seconds(p.created_at), seconds(p.updated_at)}));
  return bump_version();
}

result<void> sql_directory::update_pool(const pool_record& p) {
  RETURN_IF_ERROR(db_.run(
      "UPDATE pools SET name = ?2, settings = ?3, issuer = ?4, "
      "created_at = ?5, updated_at = ?6 WHERE id = ?1",
      {p.id, p.name, p.settings_json, p.issuer, seconds(p.created_at), seconds(p.updated_at)}));
  return bump_version();
}

result<std::vector<client_record>> sql_directory::clients(const std::string& pool_id) {
  return all_of(db_.query(fmt::format("SELECT {} FROM app_clients WHERE pool_id = ?1 "
                                      "ORDER BY created_at, id",
                                      client_columns),
                          {pool_id}),
                client_from);
}

result<std::optional<client_record>> sql_directory::find_client(const std::string& client_id) {
  return first_of(db_.query(fmt::format("SELECT {} FROM app_clients WHERE id = ?1", client_columns),
                            {client_id}),
                  client_from);
}

result<void> sql_directory::insert_client(const client_record& c) {
  RETURN_IF_ERROR(db_.run(fmt::format("INSERT INTO app_clients ({}) VALUES (?1, ?2, ?3, ?4, ?5, "
                                      "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                                      client_columns),
                          values_of(c)));
  return bump_version();
}

result<void> sql_directory::update_client(const client_record& c) {
  RETURN_IF_ERROR(db_.run(
      "UPDATE app_clients SET pool_id = ?2, name = ?3, auth_flows = ?4, "
      "access_token_validity = ?5, id_token_validity = ?6, refresh_token_validity = ?7, "
      "auth_session_validity = ?8, read_attributes = ?9, write_attributes = ?10, secret = ?11, "
      "prevent_user_existence_errors = ?12, created_at = ?13, updated_at = ?14 WHERE id = ?1",
      values_of(c)));
  return bump_version();
}

result<void> sql_directory::delete_client(const std::string& client_id) {
  RETURN_IF_ERROR(db_.run("DELETE FROM app_clients WHERE id = ?1", {client_id}));
  return bump_version();
}

result<void> sql_directory::delete_pool(const std::string& pool_id) {
  // Children first (users' rows cascade on both engines, but are named here all the same).
  static constexpr std::string_view statements[] = {
      "DELETE FROM codes WHERE pool_id = ?1",
      "DELETE FROM user_factors WHERE pool_id = ?1",
      "DELETE FROM decoy_codes WHERE pool_id = ?1",
      "DELETE FROM auth_sessions WHERE pool_id = ?1",
      "DELETE FROM refresh_tokens WHERE pool_id = ?1",
      "DELETE FROM group_members WHERE pool_id = ?1",
      "DELETE FROM user_groups WHERE pool_id = ?1",
      "DELETE FROM outbox WHERE pool_id = ?1",
      "DELETE FROM users WHERE pool_id = ?1",
      "DELETE FROM signing_keys WHERE pool_id = ?1",
      "DELETE FROM app_clients WHERE pool_id = ?1",
      "DELETE FROM pools WHERE id = ?1",
  };
  for (const auto statement : statements) {
    RETURN_IF_ERROR(db_.run(statement, {pool_id}));
  }
  return bump_version();
}

std::string list_text(const std::vector<std::string>& names) {
  boost::json::array out;
  for (const auto& n : names) {
    out.emplace_back(n);
  }
  return boost::json::serialize(out);
}

std::vector<std::string> list_from(const std::string& text) {
  std::vector<std::string> out;
  if (text == "[]") {
    return out;  // most rows (a user's groups): no parse on the hot path
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) {
    return out;
  }
  for (const auto& e : v.as_array()) {
    if (e.is_string()) {
      out.emplace_back(e.as_string());
    }
  }
  return out;
}

}  // namespace cognate::store::sql
