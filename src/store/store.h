#pragma once
// The persistence seam the domain uses (one interface, one implementation per engine).
//
// All writes happen inside `store::transact`: the function runs in one database transaction that
// commits when it returns a value and rolls back when it returns a failure. So a domain change,
// its audit row and its queued email either all happen or none does. Read-modify-write inside a
// transaction is atomic against concurrent transactions (SQLite: one writer, each unit of work
// in its own savepoint of a group-committed transaction; PostgreSQL: SERIALIZABLE isolation, the
// whole transaction re-run on a conflict — so `work` must be safe to run more than once).
// Pure reads go through `store::read`, which engines may run in parallel.

#include "common/error.h"
#include "store/records.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cognate::store {

// A unit of work. Only valid inside the transact() call that created it; not thread-safe.
// Methods return failure only for errc::internal (database trouble, logged) unless noted.
class transaction {
 public:
  virtual ~transaction() = default;

  virtual result<std::optional<pool_record>> first_pool() = 0;
  virtual result<void> insert_pool(const pool_record& p) = 0;
  virtual result<std::optional<client_record>> first_client(const std::string& pool_id) = 0;
  virtual result<std::optional<client_record>> find_client(const std::string& client_id) = 0;
  virtual result<void> insert_client(const client_record& c) = 0;

  // Fails with errc::username_exists if (pool_id, email_key) or the id is taken.
  virtual result<void> insert_user(const user_record& u) = 0;
  virtual result<void> update_user(const user_record& u) = 0;
  virtual result<std::optional<user_record>> find_user_by_email(const std::string& pool_id,
                                                                const std::string& email_key) = 0;
  virtual result<std::optional<user_record>> find_user_by_id(const std::string& pool_id,
                                                             const std::string& user_id) = 0;

  virtual result<void> put_code(const code_record& c) = 0;  // insert or replace
  virtual result<std::optional<code_record>> find_code(const std::string& pool_id,
                                                       const std::string& user_id,
                                                       const std::string& purpose) = 0;
  virtual result<void> delete_code(const std::string& pool_id, const std::string& user_id,
                                   const std::string& purpose) = 0;

  // Queues an email; returns its id.
  virtual result<std::int64_t> enqueue_mail(const outbox_record& m) = 0;
  // Pending mail due at `now`, oldest first; claiming pushes next_attempt_at to `lease_until`
  // so another worker (or node) does not send it meanwhile.
  virtual result<std::vector<outbox_record>> claim_due_mail(time_point now, time_point lease_until,
                                                            int limit) = 0;
  // Marks a mail sent and drops its sealed payload (the code inside it need not be kept).
  virtual result<void> mark_mail_sent(std::int64_t id, time_point at) = 0;
  virtual result<void> retry_mail_later(std::int64_t id, int attempts, time_point next_attempt_at,
                                        const std::string& last_error) = 0;
  virtual result<void> mark_mail_failed(std::int64_t id, const std::string& last_error) = 0;
  virtual result<std::int64_t> count_pending_mail() = 0;

  virtual result<void> audit(const audit_record& a) = 0;

  virtual result<void> insert_session(const auth_session_record& s) = 0;
  virtual result<std::optional<auth_session_record>> find_session(const std::string& pool_id,
                                                                  const std::string& handle_hash) = 0;
  virtual result<void> update_session_attempts(const std::string& pool_id,
                                               const std::string& handle_hash, int attempts) = 0;
  virtual result<void> delete_session(const std::string& pool_id,
                                      const std::string& handle_hash) = 0;

  virtual result<void> insert_refresh_token(const refresh_token_record& r) = 0;
  virtual result<std::optional<refresh_token_record>> find_refresh_token(
      const std::string& pool_id, const std::string& token_hash) = 0;
  // True when some token of the family was revoked (the whole family counts as revoked).
  virtual result<bool> family_revoked(const std::string& pool_id, const std::string& origin_jti) = 0;
  virtual result<void> revoke_family(const std::string& pool_id, const std::string& origin_jti) = 0;
  virtual result<void> revoke_user_tokens(const std::string& pool_id,
                                          const std::string& user_id) = 0;

  // Drops sessions that expired before `now`; returns how many.
  virtual result<int> delete_expired_sessions(time_point now) = 0;

  virtual result<void> insert_signing_key(const signing_key_record& k) = 0;
  virtual result<std::vector<signing_key_record>> signing_keys(const std::string& pool_id) = 0;
};

// Safe for concurrent use; transactions are serialised or isolated by the engine.
class store {
 public:
  virtual ~store() = default;
  // Runs `work` in a read-write transaction. A success is returned only once the change is
  // durable (committed and, for SQLite, on disk).
  virtual result<void> transact(const std::function<result<void>(transaction&)>& work) = 0;
  // Runs `work` in a read-only transaction over one consistent snapshot holding every change
  // whose transact() has returned. Engines may run reads in parallel with each other and with
  // writes (SQLite: reader connections beside the writer). `work` must not write: SQLite's reader
  // connections refuse writes with errc::internal.
  virtual result<void> read(const std::function<result<void>(transaction&)>& work) {
    return transact(work);
  }
};

namespace detail {
template <class Work>
auto run_returning(store& s, bool read_only, Work&& work)
    -> decltype(work(std::declval<transaction&>())) {
  using result_type = decltype(work(std::declval<transaction&>()));
  std::optional<result_type> out;
  auto body = [&](transaction& tx) -> result<void> {
    out.emplace(work(tx));
    if (out->has_error()) {
      return out->error();
    }
    return {};
  };
  auto committed = read_only ? s.read(body) : s.transact(body);
  if (!out) {
    return committed.error();
  }
  if (!committed && out->has_value()) {
    return committed.error();
  }
  return std::move(*out);
}
}  // namespace detail

// Runs `work` (transaction& → result<T>) in a read-write transaction and returns its result; a
// commit failure replaces a successful value with the failure.
template <class Work>
auto in_transaction(store& s, Work&& work) -> decltype(work(std::declval<transaction&>())) {
  return detail::run_returning(s, false, std::forward<Work>(work));
}

// As in_transaction(), in a read-only transaction (store::read).
template <class Work>
auto in_read(store& s, Work&& work) -> decltype(work(std::declval<transaction&>())) {
  return detail::run_returning(s, true, std::forward<Work>(work));
}

}  // namespace cognate::store
