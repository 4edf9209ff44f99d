#include "common/reasons.h"
#include "store/sql/sql_repositories.h"

#include <algorithm>

namespace cognate::store::sql {
namespace {

constexpr std::string_view columns =
    "pool_id, id, email, email_key, status, enabled, attributes, srp_salt, srp_verifier, "
    "created_at, updated_at, failed_sign_ins, locked_until, pending_email, password_expires_at, "
    "groups";

std::string to_text(user_status s) {
  switch (s) {
    case user_status::confirmed:
      return "CONFIRMED";
    case user_status::reset_required:
      return "RESET_REQUIRED";
    case user_status::force_change_password:
      return "FORCE_CHANGE_PASSWORD";
    case user_status::unconfirmed:
      break;
  }
  return "UNCONFIRMED";
}

user_status status_from(const std::string& text) {
  if (text == "CONFIRMED") {
    return user_status::confirmed;
  }
  if (text == "RESET_REQUIRED") {
    return user_status::reset_required;
  }
  if (text == "FORCE_CHANGE_PASSWORD") {
    return user_status::force_change_password;
  }
  return user_status::unconfirmed;
}

user_record user_from(const row& r) {
  return user_record{
      .pool_id = r.text("pool_id"),
      .id = r.text("id"),
      .email = r.text("email"),
      .email_key = r.text("email_key"),
      .status = status_from(r.text("status")),
      .enabled = r.boolean("enabled"),
      .attributes_json = r.text("attributes"),
      .pending_email = r.text("pending_email"),
      .srp_salt_hex = r.text("srp_salt"),
      .srp_verifier_sealed = r.text("srp_verifier"),
      .created_at = r.time("created_at"),
      .updated_at = r.time("updated_at"),
      .failed_sign_ins = static_cast<int>(r.integer("failed_sign_ins")),
      .locked_until = r.time("locked_until"),
      .groups = list_from(r.text("groups")),
      .password_expires_at = r.time("password_expires_at"),
  };
}

// In the order of `columns`: ?1 … ?16.
std::vector<value> values_of(const user_record& u) {
  return {u.pool_id,
          u.id,
          u.email,
          u.email_key,
          to_text(u.status),
          flag(u.enabled),
          u.attributes_json,
          u.srp_salt_hex,
          u.srp_verifier_sealed,
          seconds(u.created_at),
          seconds(u.updated_at),
          std::int64_t{u.failed_sign_ins},
          seconds(u.locked_until),
          u.pending_email,
          seconds(u.password_expires_at),
          list_text(u.groups)};
}

// The user's columns and their factors' (prefixed "factor_"), one row per factor or one row with
// NULL factor columns for a user without factors.
constexpr std::string_view account_columns =
    "u.pool_id, u.id, u.email, u.email_key, u.status, u.enabled, u.attributes, u.srp_salt, "
    "u.srp_verifier, u.created_at, u.updated_at, u.failed_sign_ins, u.locked_until, "
    "u.pending_email, u.password_expires_at, u.groups, "
    "f.pool_id AS factor_pool_id, f.user_id AS factor_user_id, f.id AS factor_id, "
    "f.kind AS factor_kind, f.status AS factor_status, f.secret AS factor_secret, "
    "f.enabled AS factor_enabled, f.preferred AS factor_preferred, f.counter AS factor_counter, "
    "f.data AS factor_data, f.created_at AS factor_created_at, f.updated_at AS factor_updated_at";

}  // namespace

result<std::optional<user_account>> sql_users::account_where(std::string_view condition,
                                                             const std::string& pool_id,
                                                             const std::string& key) {
  ASSIGN_OR_RETURN(auto rows,
                   db_.query(fmt::format("SELECT {} FROM users u LEFT JOIN user_factors f ON "
                                         "f.pool_id = u.pool_id AND f.user_id = u.id WHERE "
                                         "u.pool_id = ?1 AND {}",
                                         account_columns, condition),
                             {pool_id, key}));
  if (rows.empty()) {
    return std::nullopt;
  }
  user_account out{.user = user_from(rows.front())};
  for (const auto& r : rows) {
    if (!r.is_null("factor_id")) {
      out.factors.push_back(factor_from(r, "factor_"));
    }
  }
  // Ordered here rather than by the database: a user has few factors, and a sort in the query
  // costs PostgreSQL more than the lookup itself.
  std::sort(out.factors.begin(), out.factors.end(),
            [](const factor_record& a, const factor_record& b) { return a.id < b.id; });
  return out;
}

result<std::optional<user_account>> sql_users::account_by_id(const std::string& pool_id,
                                                             const std::string& user_id) {
  return account_where("u.id = ?2", pool_id, user_id);
}

result<std::optional<user_account>> sql_users::account_by_email(const std::string& pool_id,
                                                                const std::string& email_key) {
  return account_where("u.email_key = ?2", pool_id, email_key);
}

result<void> sql_users::insert(const user_record& u) {
  ASSIGN_OR_RETURN(
      auto taken,
      db_.query("SELECT 1 AS taken FROM users WHERE pool_id = ?1 AND (email_key = ?2 OR id = ?3)",
                {u.pool_id, u.email_key, u.id}));
  if (!taken.empty()) {
    return fail(reason::username_exists);
  }
  return done(db_.run(fmt::format("INSERT INTO users ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                                  "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                                  columns),
                      values_of(u)));
}

result<void> sql_users::update(const user_record& u) {
  return done(db_.run(
      "UPDATE users SET email = ?3, email_key = ?4, status = ?5, enabled = ?6, attributes = ?7, "
      "srp_salt = ?8, srp_verifier = ?9, created_at = ?10, updated_at = ?11, "
      "failed_sign_ins = ?12, locked_until = ?13, pending_email = ?14, "
      "password_expires_at = ?15, groups = ?16 "
      "WHERE pool_id = ?1 AND id = ?2",
      values_of(u)));
}

result<std::vector<user_record>> sql_users::list(const std::string& pool_id,
                                                 const std::string& after_id, int limit) {
  return all_of(db_.query(fmt::format("SELECT {} FROM users WHERE pool_id = ?1 AND id > ?2 "
                                      "ORDER BY id LIMIT ?3",
                                      columns),
                          {pool_id, after_id, std::int64_t{limit}}),
                user_from);
}

result<void> sql_users::remove(const std::string& pool_id, const std::string& user_id) {

  return done(db_.run("DELETE FROM users WHERE pool_id = ?1 AND id = ?2", {pool_id, user_id}));
}


result<std::optional<user_record>> sql_users::find_by_email(const std::string& pool_id,
                                                            const std::string& email_key) {
  return first_of(
      db_.query(fmt::format("SELECT {} FROM users WHERE pool_id = ?1 AND email_key = ?2", columns),
                {pool_id, email_key}),
      user_from);
}

result<std::optional<user_record>> sql_users::find_by_id(const std::string& pool_id,
                                                         const std::string& user_id) {
  return first_of(
      db_.query(fmt::format("SELECT {} FROM users WHERE pool_id = ?1 AND id = ?2", columns),
                {pool_id, user_id}),
      user_from);
}

}  // namespace cognate::store::sql
