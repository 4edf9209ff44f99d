#include "store/sqlite/connection.h"

#include <fmt/format.h>

#include <stdexcept>

namespace cognate::store::sqlite {

connection::connection(const std::filesystem::path& file) : file_(file) {
  int rc = sqlite3_open_v2(file.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    throw std::runtime_error("cannot open database " + file.string() + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
}

connection::~connection() {
  statements_.clear();
  sqlite3_close(db_);
}

failure connection::error(std::string_view what) {
  last_error_ = sqlite3_extended_errcode(db_);
  if ((last_error_ & 0xff) == SQLITE_FULL) {
    // Say which file and what it means for the service, not only SQLite's terse message.
    return internal_failure(fmt::format(
        "sqlite {} on {}: {} ({}): no space left on the file system holding the database; "
        "writes fail until space is freed, then succeed again by themselves",
        what, file_.string(), sqlite3_errmsg(db_), last_error_));
  }
  return internal_failure(fmt::format("sqlite {}: {} ({})", what, sqlite3_errmsg(db_), last_error_));
}

result<void> connection::exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    return error("exec");
  }
  return {};
}

result<sqlite3_stmt*> connection::prepare(std::string_view sql) {
  if (auto it = statements_.find(sql); it != statements_.end()) {
    sqlite3_reset(it->second.get());
    sqlite3_clear_bindings(it->second.get());
    return it->second.get();
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return error("prepare");
  }
  statements_.emplace(std::string(sql), stmt);
  return stmt;
}

result<std::vector<row>> connection::query(std::string_view sql, const std::vector<value>& params) {
  auto prepared = prepare(sql);
  if (!prepared) {
    return prepared.error();
  }
  sqlite3_stmt* stmt = *prepared;
  for (std::size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i + 1);
    int rc = std::visit(
        [&](const auto& v) -> int {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            return sqlite3_bind_null(stmt, index);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            return sqlite3_bind_int64(stmt, index, v);
          } else {
            return sqlite3_bind_text(stmt, index, v.data(), static_cast<int>(v.size()),
                                     SQLITE_STATIC);
          }
        },
        params[i]);
    if (rc != SQLITE_OK) {
      return error("bind");
    }
  }
  std::vector<row> rows;
  std::shared_ptr<std::vector<std::string>> names;
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) {
      break;
    }
    if (rc != SQLITE_ROW) {
      auto f = error("step");
      sqlite3_reset(stmt);
      return f;
    }
    const int n = sqlite3_column_count(stmt);
    if (!names) {
      names = std::make_shared<std::vector<std::string>>();
      for (int c = 0; c < n; ++c) {
        names->emplace_back(sqlite3_column_name(stmt, c));
      }
    }
    std::vector<value> columns;
    columns.reserve(static_cast<std::size_t>(n));
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL:
          columns.emplace_back(nullptr);
          break;
        case SQLITE_INTEGER:
          columns.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c)));
          break;
        default: {
          const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          columns.emplace_back(std::string(p ? p : "", static_cast<std::size_t>(
                                                           sqlite3_column_bytes(stmt, c))));
        }
      }
    }
    rows.emplace_back(names, std::move(columns));
  }
  sqlite3_reset(stmt);
  last_error_ = SQLITE_OK;
  return rows;
}

result<int> connection::run(std::string_view sql, const std::vector<value>& params) {
  auto rows = query(sql, params);
  if (!rows) {
    return rows.error();
  }
  return sqlite3_changes(db_);
}

std::int64_t connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

}  // namespace cognate::store::sqlite
