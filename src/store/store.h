#pragma once
// The persistence seam the domain uses: a store runs units of work, each in one database
// transaction, and the transaction hands out one repository per aggregate (users, factors,
// sessions, codes, tokens, keys, outbox, pools and clients, audit, operator credentials, sealed
// values). One implementation per engine (SQLite, PostgreSQL) behind this interface; both share
// the SQL of store/sql/.
//
// All writes happen inside `store::transact`: the function runs in one database transaction that
// commits when it returns a value and rolls back when it returns a failure. So a domain change,
// its audit row and its queued email either all happen or none does. Read-modify-write inside a
// transaction is atomic against concurrent transactions (SQLite: one writer, each unit of work
// in its own savepoint of a group-committed transaction; PostgreSQL: SERIALIZABLE isolation, the
// whole transaction re-run on a conflict). So `work` may run more than once: it must derive
// everything it returns from what it reads in that run, never from state a previous run left in
// captured variables. Pure reads go through `store::read`, which engines may run in parallel.

#include "common/error.h"
#include "store/audit_repository.h"
#include "store/code_repository.h"
#include "store/credential_repository.h"
#include "store/directory_repository.h"
#include "store/factor_repository.h"
#include "store/group_repository.h"
#include "store/key_repository.h"
#include "store/outbox_repository.h"
#include "store/sealed_repository.h"
#include "store/session_repository.h"
#include "store/token_repository.h"
#include "store/user_repository.h"

#include <functional>
#include <optional>

namespace cognate::store {

// A unit of work. Only valid inside the transact() or read() call that created it, and so are
// the repositories it returns; not thread-safe.
class transaction {
 public:
  virtual ~transaction() = default;

  virtual user_repository& users() = 0;
  virtual factor_repository& factors() = 0;
  virtual session_repository& sessions() = 0;
  virtual code_repository& codes() = 0;
  virtual token_repository& tokens() = 0;
  virtual key_repository& keys() = 0;
  virtual outbox_repository& outbox() = 0;
  virtual directory_repository& directory() = 0;
  virtual audit_repository& audit() = 0;
  virtual credential_repository& credentials() = 0;
  virtual group_repository& groups() = 0;
  virtual sealed_repository& sealed() = 0;
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

  // The schema version the database has now, and the one this build's migrations reach. They
  // differ when a newer node migrated the database past this one (for /readyz).
  struct schema_versions {
    int database = 0;
    int known = 0;
  };
  virtual result<schema_versions> schema() = 0;
};

namespace detail {
template <class Work>
auto run_returning(store& s, bool read_only, Work&& work)
    -> decltype(work(std::declval<transaction&>())) {
  using result_type = decltype(work(std::declval<transaction&>()));
  std::optional<result_type> out;
  auto body = [&](transaction& tx) -> result<void> {
    out.emplace(work(tx));  // each run replaces what an earlier run returned
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

// Runs `work` (transaction& → result<T>) in a read-write transaction and returns what its last
// run returned; a commit failure replaces a successful value with the failure.
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
