#pragma once
// A thin RAII layer over one libpq connection: statements prepared once per connection (named
// by their SQL text), text-format parameters and results. `?N` placeholders are rewritten to
// PostgreSQL's `$N`. Errors are values: errc::internal, with the SQLSTATE kept for the caller
// (serialization failures are retried by pg_store). Not thread-safe.

#include "store/sql/executor.h"

#include <libpq-fe.h>

#include <map>
#include <memory>
#include <string>

namespace cognate::store::postgres {

class connection final : public sql::executor {
 public:
  // Connects to `url` (postgresql://user:pass@host:port/db, with a 2 s connect timeout unless
  // the URL sets one). Never throws; check ok().
  explicit connection(const std::string& url);
  ~connection() override;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  bool ok() const;
  // Reconnects if the connection is broken; true when usable afterwards. Blocks up to the
  // connect timeout.
  bool ensure_connected();
  std::string error_message() const;

  result<std::vector<sql::row>> query(std::string_view sql,
                                      const std::vector<sql::value>& params = {}) override;
  result<int> run(std::string_view sql, const std::vector<sql::value>& params = {}) override;
  // Runs statements without parameters (schema scripts, locks).
  result<void> exec(std::string_view sql);

  // Starts a transaction with `begin` ("BEGIN ISOLATION LEVEL …"), sent together with the
  // transaction's first statement in one round trip (libpq pipeline mode) instead of a round
  // trip of its own; a failure of either is reported by that first query()/run().
  void begin(std::string_view begin_sql);
  // Ends the transaction begun with begin(): COMMIT when `commit`, else ROLLBACK. A transaction
  // that ran no statement was never sent and ends here without a round trip.
  result<void> end(bool commit);

  // SQLSTATE of the last failed call ("" after a success), e.g. "40001".
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  // True when the last failure means "run the transaction again" (serialization failure or
  // deadlock).
  bool last_failure_retryable() const;

 private:
  result<std::shared_ptr<PGresult>> execute(std::string_view sql,
                                            const std::vector<sql::value>& params);
  // execute() for the first statement after begin(): BEGIN, (PREPARE,) EXECUTE and a sync in
  // one pipeline.
  result<std::shared_ptr<PGresult>> execute_with_begin(const std::string& name, bool prepare,
                                                       const std::string& sql,
                                                       const std::vector<const char*>& values);
  failure error(PGresult* result, std::string_view what);

  std::string url_;
  PGconn* conn_ = nullptr;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL text → statement name
  std::string last_sqlstate_;
  std::string pending_begin_;  // sent with the next statement; "" when none is pending
};

}  // namespace cognate::store::postgres
