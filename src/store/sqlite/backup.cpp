#include "store/sqlite/backup.h"

#include "store/sqlite/connection.h"

#include <fmt/format.h>
#include <sqlite3.h>

namespace cognate::store::sqlite {
namespace {

failure cannot(std::string message) { return failure{errc::internal, std::move(message)}; }

struct db_closer {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using db_handle = std::unique_ptr<sqlite3, db_closer>;

result<db_handle> open(const std::filesystem::path& file, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  db_handle handle(db);
  if (rc != SQLITE_OK) {
    return cannot(fmt::format("cannot open {}: {}", file.string(),
                              db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db, 5000);
  return handle;
}

// One pass of the backup API from `source` to `target`: every page, in one step, so the copy is
// one snapshot.
result<std::int64_t> copy_pages(sqlite3* source, sqlite3* target) {
  sqlite3_backup* b = sqlite3_backup_init(target, "main", source, "main");
  if (b == nullptr) {
    return cannot(fmt::format("cannot start the copy: {}", sqlite3_errmsg(target)));
  }
  int rc = SQLITE_OK;
  do {
    rc = sqlite3_backup_step(b, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      sqlite3_sleep(20);
    }
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  const std::int64_t pages = sqlite3_backup_pagecount(b);
  const int finished = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE || finished != SQLITE_OK) {
    return cannot(fmt::format("the copy failed: {}", sqlite3_errmsg(target)));
  }
  return pages;
}

result<std::string> text_of(connection& c, std::string_view sql, std::string_view column) {
  ASSIGN_OR_RETURN(auto rows, c.query(sql));
  if (rows.empty() || rows.front().is_null(column)) {
    return std::string();
  }
  return rows.front().text(column);
}

}  // namespace

result<copy_report> copy_database(const std::filesystem::path& from,
                                  const std::filesystem::path& to) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(from, ec)) {
    return cannot(fmt::format("{} is not a database file", from.string()));
  }
  if (std::filesystem::exists(to, ec)) {
    return cannot(
        fmt::format("{} exists already: name a new file (nothing was written)", to.string()));
  }
  ASSIGN_OR_RETURN(auto source, open(from, SQLITE_OPEN_READONLY));
  ASSIGN_OR_RETURN(auto target, open(to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  const auto remove_target = [&] {
    target.reset();
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(to.string() + suffix, ec);
    }
  };
  auto pages = copy_pages(source.get(), target.get());
  source.reset();
  target.reset();
  if (!pages) {
    remove_target();
    return pages.error();
  }
  copy_report report{.pages = *pages};
  try {
    connection check(to);
    auto verdict = text_of(check, "PRAGMA integrity_check", "integrity_check");
    if (!verdict || *verdict != "ok") {
      remove_target();
      return cannot(fmt::format("the copy does not check out ({}): nothing kept",
                                verdict ? *verdict : verdict.error().message));
    }
    auto users = text_of(check, "SELECT CAST(count(*) AS TEXT) AS n FROM users", "n");
    auto pools = text_of(check, "SELECT CAST(count(*) AS TEXT) AS n FROM pools", "n");
    auto key =
        text_of(check, "SELECT substr(private_pem, 1, 8) AS k FROM signing_keys LIMIT 1", "k");
    report.users = users && !users->empty() ? std::stoll(*users) : 0;
    report.pools = pools && !pools->empty() ? std::stoll(*pools) : 0;
    report.key_id = key ? *key : "";
  } catch (const std::exception& e) {
    remove_target();
    return cannot(fmt::format("the copy cannot be opened: {}", e.what()));
  }
  report.bytes = static_cast<std::int64_t>(std::filesystem::file_size(to, ec));
  return report;
}

}  // namespace cognate::store::sqlite
