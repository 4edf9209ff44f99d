#pragma once
// The repositories in SQL that SQLite 3.40 and PostgreSQL 15 both run (upserts with ON CONFLICT,
// RETURNING), one class per aggregate, each over the executor of its transaction. Rows are read
// by column name. Internal to store/; not thread-safe.

#include "store/sql/executor.h"
#include "store/store.h"

#include <fmt/format.h>

namespace cognate::store::sql {

class sql_users final : public user_repository {
 public:
  explicit sql_users(executor& db) : db_(db) {}
  result<void> insert(const user_record& u) override;
  result<void> update(const user_record& u) override;
  result<void> remove(const std::string& pool_id, const std::string& user_id) override;
  result<std::vector<user_record>> list(const std::string& pool_id, const std::string& after_id,
                                        int limit) override;
  result<std::optional<user_record>> find_by_email(const std::string& pool_id,

                                                   const std::string& email_key) override;
  result<std::optional<user_record>> find_by_id(const std::string& pool_id,
                                                const std::string& user_id) override;
  result<std::optional<user_account>> account_by_id(const std::string& pool_id,
                                                    const std::string& user_id) override;
  result<std::optional<user_account>> account_by_email(const std::string& pool_id,
                                                       const std::string& email_key) override;

 private:
  result<std::optional<user_account>> account_where(std::string_view condition,
                                                    const std::string& pool_id,
                                                    const std::string& key);
  executor& db_;
};

class sql_factors final : public factor_repository {
 public:
  explicit sql_factors(executor& db) : db_(db) {}
  result<std::vector<factor_record>> list(const std::string& pool_id,
                                          const std::string& user_id) override;
  result<std::optional<factor_record>> find(const std::string& pool_id, const std::string& user_id,
                                            const std::string& id) override;
  result<void> put(const factor_record& f) override;
  result<void> remove(const std::string& pool_id, const std::string& user_id,
                      const std::string& id) override;
  result<void> remove_user(const std::string& pool_id, const std::string& user_id) override;

 private:
  executor& db_;
};

class sql_sessions final : public session_repository {
 public:
  explicit sql_sessions(executor& db) : db_(db) {}
  result<void> insert(const auth_session_record& s) override;
  result<std::optional<auth_session_record>> find(const std::string& handle_hash) override;
  result<void> set_attempts(const std::string& handle_hash, int failed_attempts) override;
  result<void> remove(const std::string& handle_hash) override;
  result<void> remove_user(const std::string& pool_id, const std::string& user_id) override;
  result<void> remove_user_step(const std::string& pool_id, const std::string& user_id,
                                const std::string& step) override;
  result<int> remove_expired(time_point now) override;

 private:
  executor& db_;
};

class sql_codes final : public code_repository {
 public:
  explicit sql_codes(executor& db) : db_(db) {}
  result<void> put(const code_record& c) override;
  result<std::optional<code_record>> find(const std::string& pool_id, const std::string& user_id,
                                          const std::string& purpose) override;
  result<void> remove(const std::string& pool_id, const std::string& user_id,
                      const std::string& purpose) override;
  result<void> remove_user(const std::string& pool_id, const std::string& user_id) override;
  result<void> put_decoy(const code_record& c) override;
  result<std::optional<code_record>> find_decoy(const std::string& pool_id,
                                                const std::string& name_key,
                                                const std::string& purpose) override;
  result<int> remove_stale_decoys(time_point now) override;

 private:
  executor& db_;
};

class sql_tokens final : public token_repository {
 public:
  explicit sql_tokens(executor& db) : db_(db) {}
  result<void> insert(const refresh_token_record& r) override;
  result<std::optional<refresh_token_record>> find(const std::string& pool_id,
                                                   const std::string& token_hash) override;
  result<bool> family_revoked(const std::string& pool_id, const std::string& origin_jti) override;
  result<void> revoke_family(const std::string& pool_id, const std::string& origin_jti) override;
  result<void> revoke_user(const std::string& pool_id, const std::string& user_id) override;
  result<void> remove_user(const std::string& pool_id, const std::string& user_id) override;

 private:
  executor& db_;
};

class sql_keys final : public key_repository {
 public:
  explicit sql_keys(executor& db) : db_(db) {}
  result<void> insert(const signing_key_record& k) override;
  result<std::vector<signing_key_record>> list(const std::string& pool_id) override;

 private:
  executor& db_;
};

class sql_outbox final : public outbox_repository {
 public:
  explicit sql_outbox(executor& db) : db_(db) {}
  result<std::int64_t> enqueue(const outbox_record& m) override;
  result<std::vector<outbox_record>> claim_due(time_point now, time_point lease_until,
                                               int limit) override;
  result<void> mark_sent(std::int64_t id, time_point at) override;
  result<void> retry_later(std::int64_t id, int attempts, time_point next_attempt_at,
                           const std::string& last_error) override;
  result<void> mark_failed(std::int64_t id, const std::string& last_error) override;
  result<std::int64_t> count_pending() override;
  result<summary> summarize() override;
  result<void> drop_pending(const std::string& pool_id, const std::string& user_id) override;


 private:
  executor& db_;
};

class sql_directory final : public directory_repository {
 public:
  explicit sql_directory(executor& db) : db_(db) {}
  result<std::vector<pool_record>> pools() override;
  result<std::optional<pool_record>> find_pool(const std::string& pool_id) override;
  result<void> insert_pool(const pool_record& p) override;
  result<void> update_pool(const pool_record& p) override;
  result<std::vector<client_record>> clients(const std::string& pool_id) override;
  result<std::optional<client_record>> find_client(const std::string& client_id) override;
  result<void> insert_client(const client_record& c) override;
  result<void> update_client(const client_record& c) override;
  result<void> delete_client(const std::string& client_id) override;
  result<void> delete_pool(const std::string& pool_id) override;
  result<std::int64_t> version() override;

 private:
  result<void> bump_version();
  executor& db_;
};

class sql_audit final : public audit_repository {
 public:
  explicit sql_audit(executor& db) : db_(db) {}
  result<void> append(const audit_record& a) override;
  result<std::int64_t> open(const audit_record& a) override;
  result<void> amend(std::int64_t id, const std::string& detail) override;
  result<std::vector<audit_record>> of_user(const std::string& pool_id, const std::string& user_id,
                                            std::int64_t before_id, int limit) override;
  result<std::vector<audit_record>> search(const std::string& pool_id, const std::string& user_id,
                                           time_point since, int limit) override;
  result<int> remove_before(time_point before, int limit) override;

 private:
  executor& db_;
};

class sql_credentials final : public credential_repository {
 public:
  explicit sql_credentials(executor& db) : db_(db) {}
  result<void> insert(const credential_record& c) override;
  result<std::optional<credential_record>> find(const std::string& access_key_id) override;
  result<std::vector<credential_record>> list() override;
  result<bool> revoke(const std::string& access_key_id, time_point at) override;

 private:
  executor& db_;
};

class sql_groups final : public group_repository {
 public:
  explicit sql_groups(executor& db) : db_(db) {}
  result<void> insert(const group_record& g) override;
  result<void> update(const group_record& g) override;
  result<void> remove(const std::string& pool_id, const std::string& name) override;
  result<std::optional<group_record>> find(const std::string& pool_id,
                                           const std::string& name) override;
  result<std::vector<group_record>> list(const std::string& pool_id, const std::string& after,
                                         int limit) override;
  result<void> add_member(const std::string& pool_id, const std::string& name,
                          const std::string& user_id) override;
  result<void> remove_member(const std::string& pool_id, const std::string& name,
                             const std::string& user_id) override;
  result<std::vector<std::string>> members(const std::string& pool_id, const std::string& name,
                                           const std::string& after_user_id, int limit) override;
  result<std::vector<group_record>> groups_of(const std::string& pool_id,
                                              const std::string& user_id) override;
  result<void> remove_user(const std::string& pool_id, const std::string& user_id) override;

 private:
  executor& db_;
};

class sql_sealed final : public sealed_repository {
 public:
  explicit sql_sealed(executor& db) : db_(db) {}
  result<std::optional<std::string>> setting(const std::string& name) override;
  result<bool> add_setting(const std::string& name, const std::string& sealed) override;
  result<std::vector<sealed_value>> not_sealed_with(sealed_column column, std::string_view key_id,
                                                    int limit) override;
  result<std::int64_t> count_not_sealed_with(sealed_column column,
                                             std::string_view key_id) override;
  result<bool> replace(const sealed_value& v, const std::string& resealed) override;

 private:
  executor& db_;
};

// Helpers shared by the repositories.

// A user_factors row read under `prefix` (the column names it was selected as: "" or "factor_").
factor_record factor_from(const row& r, std::string_view prefix = "");

// Turns "rows or failure" into "the first row mapped, nothing, or failure".
template <class Map>
auto first_of(result<std::vector<row>> rows, Map map)
    -> result<std::optional<std::decay_t<decltype(map(std::declval<const row&>()))>>> {
  using mapped = std::decay_t<decltype(map(std::declval<const row&>()))>;
  if (!rows) {
    return rows.error();
  }
  if (rows->empty()) {
    return std::optional<mapped>{};
  }
  return std::optional<mapped>(map(rows->front()));
}

// Every row mapped, or the failure.
template <class Map>
auto all_of(result<std::vector<row>> rows, Map map)
    -> result<std::vector<std::decay_t<decltype(map(std::declval<const row&>()))>>> {
  using mapped = std::decay_t<decltype(map(std::declval<const row&>()))>;
  if (!rows) {
    return rows.error();
  }
  std::vector<mapped> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    out.push_back(map(r));
  }
  return out;
}

// Lists of names are kept as JSON arrays of strings; unreadable text reads as an empty list.
std::string list_text(const std::vector<std::string>& names);
std::vector<std::string> list_from(const std::string& text);

// A statement's changed-row count dropped: success or the failure.
inline result<void> done(result<int> r) {
  if (!r) {
    return r.error();
  }
  return {};
}

}  // namespace cognate::store::sql
