#pragma once
// The embedded store: one SQLite file in WAL mode, durable commits (synchronous=FULL).
//
// One connection serves every transaction, guarded by a mutex, and each transaction is
// BEGIN IMMEDIATE, so read-modify-write sequences cannot interleave. Safe for concurrent use;
// transact() blocks (call it from a worker thread, never an I/O thread).

#include "store/sqlite/connection.h"
#include "store/store.h"

#include <filesystem>
#include <mutex>

namespace cognate::store {

class sqlite_store final : public store {
 public:
  // Opens `file`, applying pending migrations. Throws std::runtime_error when the file cannot be
  // opened or was written by a newer Cognate (unknown schema version).
  explicit sqlite_store(const std::filesystem::path& file);

  result<void> transact(const std::function<result<void>(transaction&)>& work) override;

  int schema_version();

 private:
  std::mutex mutex_;
  sqlite::connection db_;  // guarded by mutex_
};

}  // namespace cognate::store
