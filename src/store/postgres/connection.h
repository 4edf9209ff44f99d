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
  // Runs statements without parameters (BEGIN, COMMIT, schema scripts).
  result<void> exec(std::string_view sql);

  // SQLSTATE of the last failed call ("" after a success), e.g. "40001".
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  // True when the last failure means "run the transaction again" (serialization failure or
  // deadlock).
  bool last_failure_retryable() const;

 private:
  result<std::shared_ptr<PGresult>> execute(std::string_view sql,
                                            const std::vector<sql::value>& params);
  failure error(PGresult* result, std::string_view what);

  std::string url_;
  PGconn* conn_ = nullptr;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL text → statement name
  std::string last_sqlstate_;
};

}  // namespace cognate::store::postgres
