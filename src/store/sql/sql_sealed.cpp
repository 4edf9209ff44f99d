#include "store/sql/sql_repositories.h"

#include <fmt/format.h>

#include <algorithm>

namespace cognate::store {

namespace {

struct column_spec {
  std::string_view table;
  std::string_view column;
  std::array<std::string_view, 3> key;  // the primary key's columns; unused ones empty
  std::string_view owner;
};

const column_spec& spec(sealed_column c) {
  static const std::array<column_spec, all_sealed_columns.size()> specs = {{
      {"users", "srp_verifier", {"pool_id", "id"}, "id"},
      {"user_factors", "secret", {"pool_id", "user_id", "id"}, "user_id || ':' || kind"},
      {"auth_sessions", "state", {"pool_id", "handle_hash"}, "handle_hash"},
      {"outbox", "payload", {"id"}, "recipient"},
      {"signing_keys", "private_pem", {"kid"}, "kid"},
      {"app_clients", "secret", {"id"}, "id"},
      {"operator_credentials", "secret", {"access_key_id"}, "access_key_id"},
      {"sealed_settings", "value", {"name"}, "name"},
  }};
  return specs.at(static_cast<std::size_t>(c));
}

std::size_t key_size(const column_spec& s) {
  return static_cast<std::size_t>(std::ranges::count_if(s.key, [](auto k) { return !k.empty(); }));
}

// "substr(col, 1, n) <> 'id.'": the value is sealed with another key (ids are hex, no escaping).
std::string other_key(const column_spec& s) {
  return fmt::format("{0} <> '' AND substr({0}, 1, ?1) <> ?2", s.column);
}

}  // namespace

std::string_view column_name(sealed_column c) {
  static const std::array<std::string_view, all_sealed_columns.size()> names = {
      "users.srp_verifier",          "user_factors.secret",
      "auth_sessions.state",         "outbox.payload",
      "signing_keys.private_pem",    "app_clients.secret",
      "operator_credentials.secret", "sealed_settings.value"};
  return names.at(static_cast<std::size_t>(c));
}

namespace sql {

result<std::optional<std::string>> sql_sealed::setting(const std::string& name) {
  auto rows = db_.query("SELECT value FROM sealed_settings WHERE name = ?1", {name});
  if (!rows) {
    return rows.error();
  }
  if (rows->empty()) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(rows->front().text("value"));
}

result<bool> sql_sealed::add_setting(const std::string& name, const std::string& sealed) {
  auto changed = db_.run(
      "INSERT INTO sealed_settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
      {name, sealed});
  if (!changed) {
    return changed.error();
  }
  return *changed == 1;
}

result<std::vector<sealed_value>> sql_sealed::not_sealed_with(sealed_column column,
                                                              std::string_view key_id, int limit) {
  const auto& s = spec(column);
  std::string keys;
  for (std::size_t i = 0; i < key_size(s); ++i) {
    keys += fmt::format("CAST({} AS TEXT) AS k{}, ", s.key[i], i);
  }
  const auto prefix = std::string(key_id) + ".";
  return all_of(
      db_.query(fmt::format("SELECT {}{} AS owner, {} AS sealed FROM {} WHERE {} LIMIT ?3", keys,
                            s.owner, s.column, s.table, other_key(s)),
                {static_cast<std::int64_t>(prefix.size()), prefix, std::int64_t{limit}}),
      [&](const row& r) {
        sealed_value v{.column = column, .owner = r.text("owner"), .sealed = r.text("sealed")};
        for (std::size_t i = 0; i < key_size(s); ++i) {
          v.row.push_back(r.text(fmt::format("k{}", i)));
        }
        return v;
      });
}

result<std::int64_t> sql_sealed::count_not_sealed_with(sealed_column column,
                                                       std::string_view key_id) {
  const auto& s = spec(column);
  const auto prefix = std::string(key_id) + ".";
  auto rows = db_.query(fmt::format("SELECT count(*) AS n FROM {} WHERE {}", s.table, other_key(s)),
                        {static_cast<std::int64_t>(prefix.size()), prefix});
  if (!rows) {
    return rows.error();
  }
  return rows->front().integer("n");
}

result<bool> sql_sealed::replace(const sealed_value& v, const std::string& resealed) {
  const auto& s = spec(v.column);
  if (v.row.size() != key_size(s)) {
    return internal_failure("a sealed value's row key has the wrong number of columns");
  }
  std::string where;
  std::vector<value> params{resealed, v.sealed};
  for (std::size_t i = 0; i < v.row.size(); ++i) {
    where += fmt::format(" AND {} = ?{}", s.key[i], i + 3);
    params.emplace_back(v.row[i]);
  }
  auto changed = db_.run(
      fmt::format("UPDATE {0} SET {1} = ?1 WHERE {1} = ?2{2}", s.table, s.column, where), params);
  if (!changed) {
    return changed.error();
  }
  return *changed == 1;
}

}  // namespace sql
}  // namespace cognate::store
