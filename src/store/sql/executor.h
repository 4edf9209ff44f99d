#pragma once
// What the shared SQL transaction (sql_transaction.h) needs from an engine: run one statement
// with positional parameters written ?1, ?2, … and get its rows. SQLite and PostgreSQL (which
// rewrites them to $1, $2, …) implement it. Not thread-safe: one transaction at a time.

#include "common/error.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cognate::store::sql {

using value = std::variant<std::nullptr_t, std::int64_t, std::string>;

// One result row: columns by position. Engines that return text (PostgreSQL) store strings;
// integer() parses them.
struct row {
  std::vector<value> columns;
  std::int64_t integer(std::size_t i) const;
  const std::string& text(std::size_t i) const;
  bool is_null(std::size_t i) const;
};

class executor {
 public:
  virtual ~executor() = default;
  virtual result<std::vector<row>> query(std::string_view sql,
                                         const std::vector<value>& params = {}) = 0;
  // As query(), for statements whose rows are not needed; returns the number of rows changed.
  virtual result<int> run(std::string_view sql, const std::vector<value>& params = {}) = 0;
};

}  // namespace cognate::store::sql
