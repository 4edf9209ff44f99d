#pragma once
// The embedded store: one SQLite file in WAL mode with durable commits (synchronous=FULL: a
// transact() that returned success survives a crash or power loss).
//
// Writes: one writer connection. Each unit of work runs in its own SAVEPOINT inside a shared
// BEGIN IMMEDIATE transaction, and the transaction commits (one fsync) when no other writer is
// queued behind it or `max_batch` units have joined — group commit. Every member of a batch
// returns only after that commit, with its outcome: a unit whose work failed was rolled back to
// its savepoint and reports its own failure at once; a failed COMMIT fails every member. Units
// of work run one at a time on the writer, so read-modify-write sequences cannot interleave.
//
// Reads: read() runs on one of up to `readers` extra connections (query_only, BEGIN DEFERRED),
// which WAL lets run beside each other and beside the writer; each sees the last commit.
//
// Safe for concurrent use; transact() and read() block (call them from worker threads, never an
// I/O thread).

#include "store/sqlite/connection.h"
#include "store/store.h"

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

namespace cognate::store {

struct sqlite_options {
  int readers = 4;     // reader connections opened on demand, kept for reuse
  int max_batch = 64;  // units of work per commit at most
};

class sqlite_store final : public store {
 public:
  // Opens `file`, applying pending migrations. Throws std::runtime_error when the file cannot be
  // opened or was written by a newer Cognate (unknown schema version).
  explicit sqlite_store(const std::filesystem::path& file, sqlite_options options = {});
  ~sqlite_store() override;

  result<void> transact(const std::function<result<void>(transaction&)>& work) override;
  result<void> read(const std::function<result<void>(transaction&)>& work) override;

  int schema_version();
  result<schema_versions> schema() override;

  // Commits so far and units of work committed (for tests and benchmarks: units/commits is the
  // mean batch size).
  struct commit_stats {
    std::int64_t commits = 0;
    std::int64_t units = 0;
  };
  commit_stats stats();

 private:
  result<void> write(const std::function<result<void>(transaction&)>& work);
  result<void> read_once(const std::function<result<void>(transaction&)>& work);
  struct batch;
  std::unique_ptr<sqlite::connection> open_reader();
  // Ends the open batch — COMMIT, or ROLLBACK when `commit` is false or COMMIT fails — and
  // tells its members the outcome. The caller holds writer_mutex_.
  result<void> end_batch(bool commit);
  // After a batch ended: logs once when batches start failing for lack of disk space, and once
  // when one commits again. The caller holds writer_mutex_.
  void note_space(bool committed);

  std::filesystem::path file_;
  sqlite_options options_;

  std::mutex writer_mutex_;
  sqlite::connection writer_;           // guarded by writer_mutex_
  std::shared_ptr<batch> open_batch_;   // the transaction open on writer_, if any
  std::atomic<int> queued_writers_{0};  // threads in transact() waiting for writer_mutex_
  std::condition_variable committed_;
  commit_stats stats_;                  // guarded by writer_mutex_
  bool disk_full_ = false;              // the last batch failed with SQLITE_FULL; writer_mutex_

  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<sqlite::connection>> idle_readers_;  // guarded by readers_mutex_
  int open_readers_ = 0;                                           // guarded by readers_mutex_
  std::condition_variable reader_free_;
};

}  // namespace cognate::store
