#include "store/sqlite/sqlite_store.h"

#include "store/sql/sql_transaction.h"
#include "store/sqlite/migrations.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace cognate::store {
sqlite_store::sqlite_store(const std::filesystem::path& file) : db_(file) {
  auto setup = db_.exec(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; "
      "PRAGMA busy_timeout = 5000;");
  if (!setup) {
    throw std::runtime_error("cannot configure database " + file.string());
  }
  const auto scripts = sqlite::migrations();
  const int known = static_cast<int>(scripts.size());
  int version = schema_version();
  if (version > known) {
    throw std::runtime_error(fmt::format(
        "database {} has schema version {}, newer than this cognate knows ({}); upgrade cognate",
        file.string(), version, known));
  }
  for (; version < known; ++version) {
    auto applied = db_.exec(fmt::format("BEGIN IMMEDIATE; {} PRAGMA user_version = {}; COMMIT;",
                                        scripts[static_cast<std::size_t>(version)], version + 1));
    if (!applied) {
      (void)db_.exec("ROLLBACK");
      throw std::runtime_error(
          fmt::format("cannot migrate database {} to schema version {}", file.string(), version + 1));
    }
    spdlog::info("database {} migrated to schema version {}", file.string(), version + 1);
  }
}

int sqlite_store::schema_version() {
  auto rows = db_.query("PRAGMA user_version");
  return rows && !rows->empty() ? static_cast<int>(rows->front().integer(0)) : 0;
}

result<void> sqlite_store::transact(const std::function<result<void>(transaction&)>& work) {
  std::lock_guard lock(mutex_);
  if (auto begun = db_.exec("BEGIN IMMEDIATE"); !begun) {
    return begun;
  }
  auto tx = make_sql_transaction(db_);
  result<void> outcome;
  try {
    outcome = work(*tx);
  } catch (...) {
    (void)db_.exec("ROLLBACK");
    throw;
  }
  if (!outcome) {
    (void)db_.exec("ROLLBACK");
    return outcome;
  }
  if (auto committed = db_.exec("COMMIT"); !committed) {
    (void)db_.exec("ROLLBACK");
    return committed;
  }
  return {};
}

}  // namespace cognate::store
