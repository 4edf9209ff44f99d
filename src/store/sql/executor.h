#pragma once
// What the shared SQL repositories (sql_repositories.h) need from an engine: run one statement
// with positional parameters written ?1, ?2, … and get its rows. SQLite and PostgreSQL (which
// rewrites them to $1, $2, …) implement it. Not thread-safe: one transaction at a time.

#include "common/clock.h"
#include "common/error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cognate::store::sql {

using value = std::variant<std::nullptr_t, std::int64_t, std::string>;

// One result row, read by column name (the name in the SELECT list or its AS alias). Engines
// that return text (PostgreSQL) store strings; integer() parses them. Asking for a column the
// statement did not select is a programming error: std::logic_error.
class row {
 public:
  row(std::shared_ptr<const std::vector<std::string>> names, std::vector<value> columns)
      : names_(std::move(names)), columns_(std::move(columns)) {}

  std::int64_t integer(std::string_view column) const;
  const std::string& text(std::string_view column) const;
  bool boolean(std::string_view column) const { return integer(column) != 0; }
  time_point time(std::string_view column) const { return from_unix(integer(column)); }
  bool is_null(std::string_view column) const;

 private:
  const value& at(std::string_view column) const;

  std::shared_ptr<const std::vector<std::string>> names_;  // shared by the rows of one result
  std::vector<value> columns_;
};

class executor {
 public:
  virtual ~executor() = default;
  virtual result<std::vector<row>> query(std::string_view sql,
                                         const std::vector<value>& params = {}) = 0;
  // As query(), for statements whose rows are not needed; returns the number of rows changed.
  virtual result<int> run(std::string_view sql, const std::vector<value>& params = {}) = 0;
};

// Parameter helpers: booleans and instants as the integers both engines store.
inline value flag(bool b) { return std::int64_t{b ? 1 : 0}; }
inline value seconds(time_point t) { return to_unix(t); }

}  // namespace cognate::store::sql
