#pragma once
// A thin RAII layer over one sqlite3 connection: prepared statements cached by SQL text, typed
// binds and columns. Errors are values (errc::internal with the SQLite message logged).
// Not thread-safe: one thread (or one holder of an outer mutex) at a time.

#include "common/error.h"
#include "store/sql/executor.h"

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cognate::store::sqlite {

using sql::row;
using sql::value;

class connection final : public sql::executor {
 public:
  // Opens (creating if needed) the database file. Throws std::runtime_error on failure
  // (start-up only).
  explicit connection(const std::filesystem::path& file);
  ~connection() override;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Runs one or more statements without parameters (schema, pragmas).
  result<void> exec(std::string_view sql);
  // Runs one statement with positional parameters (?1, ?2, …) and returns every row.
  result<std::vector<row>> query(std::string_view sql,
                                 const std::vector<value>& params = {}) override;
  // As query(), for statements that return no rows; returns sqlite3_changes().
  result<int> run(std::string_view sql, const std::vector<value>& params = {}) override;

  std::int64_t last_insert_rowid() const;
  // The extended error code of the last failed call (e.g. SQLITE_CONSTRAINT_UNIQUE).
  int last_error_code() const { return last_error_; }
  // Whether a transaction is open. SQLite rolls a transaction back by itself after some errors
  // (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM): then there is nothing left to roll back.
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

 private:
  struct stmt_free {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  result<sqlite3_stmt*> prepare(std::string_view sql);
  failure error(std::string_view what);

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
  std::map<std::string, std::unique_ptr<sqlite3_stmt, stmt_free>, std::less<>> statements_;
  int last_error_ = SQLITE_OK;
};

}  // namespace cognate::store::sqlite
