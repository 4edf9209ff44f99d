#include "store/sqlite/sqlite_store.h"

#include "common/metrics.h"
#include "store/sql/sql_transaction.h"
#include "store/sqlite/migrations.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <stdexcept>

namespace cognate::store {

// One shared BEGIN IMMEDIATE … COMMIT on the writer connection.
struct sqlite_store::batch {
  int members = 0;       // units of work that succeeded and wait for this commit
  bool done = false;     // committed or rolled back; guarded by writer_mutex_
  result<void> outcome;  // the COMMIT's outcome once done
};

sqlite_store::sqlite_store(const std::filesystem::path& file, sqlite_options options)
    : file_(file), options_(options), writer_(file) {
  auto setup = writer_.exec(
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
    auto applied = writer_.exec(fmt::format("BEGIN IMMEDIATE; {} PRAGMA user_version = {}; COMMIT;",
                                            scripts[static_cast<std::size_t>(version)], version + 1));
    if (!applied) {
      (void)writer_.exec("ROLLBACK");
      throw std::runtime_error(
          fmt::format("cannot migrate database {} to schema version {}", file.string(), version + 1));
    }
    spdlog::info("database {} migrated to schema version {}", file.string(), version + 1);
  }
}

sqlite_store::~sqlite_store() {
  std::lock_guard lock(writer_mutex_);
  // Only possible if a caller was interrupted mid-batch; nothing waits on it.
  if (open_batch_ && writer_.in_transaction()) {
    (void)writer_.exec("ROLLBACK");
  }
}

int sqlite_store::schema_version() {
  auto rows = writer_.query("PRAGMA user_version");
  return rows && !rows->empty() ? static_cast<int>(rows->front().integer("user_version")) : 0;
}

result<store::schema_versions> sqlite_store::schema() {
  std::lock_guard lock(writer_mutex_);
  auto rows = writer_.query("PRAGMA user_version");
  if (!rows || rows->empty()) {
    return internal_failure("cannot read the schema version");
  }
  return schema_versions{.database = static_cast<int>(rows->front().integer("user_version")),
                         .known = static_cast<int>(sqlite::migrations().size())};
}

sqlite_store::commit_stats sqlite_store::stats() {
  std::lock_guard lock(writer_mutex_);
  return stats_;
}

result<void> sqlite_store::end_batch(bool commit) {
  auto b = std::move(open_batch_);
  result<void> outcome = commit ? writer_.exec("COMMIT")
                                : internal_failure("sqlite: the transaction was rolled back");
  if (outcome) {
    ++stats_.commits;
    stats_.units += b->members;
    metrics::process().store_group_commit_size.with({}).observe(b->members);
  } else if (writer_.in_transaction()) {
    // A failed COMMIT may have rolled back already (SQLITE_FULL does): a ROLLBACK then would
    // only log a misleading "cannot rollback - no transaction is active".
    (void)writer_.exec("ROLLBACK");
  }
  note_space(outcome.has_value());
  b->outcome = outcome;
  b->done = true;
  committed_.notify_all();
  return outcome;
}

void sqlite_store::note_space(bool committed) {
  if (committed) {
    if (disk_full_) {
      spdlog::info("database {}: writes succeed again (disk space is available)", file_.string());
      disk_full_ = false;
    }
  } else if (!disk_full_ && (writer_.last_error_code() & 0xff) == SQLITE_FULL) {
    spdlog::error(
        "database {}: the disk is full: writes fail with InternalErrorException until "
        "space is freed on its file system; reads go on",
        file_.string());
    disk_full_ = true;
  }
}

result<void> sqlite_store::transact(const std::function<result<void>(transaction&)>& work) {
  const auto started = std::chrono::steady_clock::now();
  auto outcome = write(work);
  metrics::note_transaction("write", started, outcome.has_value());
  return outcome;
}

result<void> sqlite_store::write(const std::function<result<void>(transaction&)>& work) {
  queued_writers_.fetch_add(1);
  std::unique_lock lock(writer_mutex_);
  queued_writers_.fetch_sub(1);
  if (!open_batch_) {
    RETURN_IF_ERROR(writer_.exec("BEGIN IMMEDIATE"));
    open_batch_ = std::make_shared<batch>();
  }
  auto mine = open_batch_;

  result<void> outcome = writer_.exec("SAVEPOINT unit");
  std::exception_ptr thrown;
  bool intact = outcome.has_value();  // the batch's transaction is still usable
  if (outcome) {
    auto tx = make_sql_transaction(writer_);
    try {
      outcome = work(*tx);
    } catch (...) {
      thrown = std::current_exception();
    }
    if (outcome && !thrown) {
      intact = writer_.exec("RELEASE unit").has_value();
      if (intact) {
        ++mine->members;
      } else {
        outcome = internal_failure("sqlite: cannot release a savepoint");
      }
    } else {
      // Undo this unit only; SQLite may already have rolled back the whole transaction (I/O
      // error, disk full), in which case the batch is lost.
      intact = writer_.in_transaction() && writer_.exec("ROLLBACK TO unit").has_value() &&
               writer_.exec("RELEASE unit").has_value();
    }
  }
  if (!intact) {
    // Earlier members' changes are gone with the transaction: they fail too.
    auto ended = end_batch(false);
    if (thrown) {
      std::rethrow_exception(thrown);
    }
    return outcome ? ended : outcome;
  }

  const bool joined = outcome && !thrown;
  if (queued_writers_.load() == 0 || mine->members >= options_.max_batch) {
    (void)end_batch(true);  // the last writer in line commits for everyone in the batch
  } else if (joined) {
    committed_.wait(lock, [&] { return mine->done; });  // a writer queued behind commits
  }
  if (thrown) {
    std::rethrow_exception(thrown);
  }
  return joined ? mine->outcome : outcome;
}

std::unique_ptr<sqlite::connection> sqlite_store::open_reader() {
  auto c = std::make_unique<sqlite::connection>(file_);
  if (!c->exec("PRAGMA query_only = ON; PRAGMA busy_timeout = 5000;")) {
    throw std::runtime_error("cannot configure a reader of database " + file_.string());
  }
  return c;
}

result<void> sqlite_store::read(const std::function<result<void>(transaction&)>& work) {
  const auto started = std::chrono::steady_clock::now();
  auto outcome = read_once(work);
  metrics::note_transaction("read", started, outcome.has_value());
  return outcome;
}

result<void> sqlite_store::read_once(const std::function<result<void>(transaction&)>& work) {
  std::unique_ptr<sqlite::connection> c;
  {
    std::unique_lock lock(readers_mutex_);
    reader_free_.wait(lock, [&] { return !idle_readers_.empty() || open_readers_ < options_.readers; });
    if (!idle_readers_.empty()) {
      c = std::move(idle_readers_.back());
      idle_readers_.pop_back();
    } else {
      ++open_readers_;
    }
  }
  struct give_back {
    sqlite_store& store;
    std::unique_ptr<sqlite::connection>& c;
    ~give_back() {
      std::lock_guard lock(store.readers_mutex_);
      if (c) {
        store.idle_readers_.push_back(std::move(c));
      } else {
        --store.open_readers_;
      }
      store.reader_free_.notify_one();
    }
  } guard{*this, c};
  if (!c) {
    try {
      c = open_reader();
    } catch (const std::exception& e) {
      return internal_failure(e.what());
    }
  }

  RETURN_IF_ERROR(c->exec("BEGIN"));
  auto tx = make_sql_transaction(*c);
  result<void> outcome;
  try {
    outcome = work(*tx);
  } catch (...) {
    (void)c->exec("ROLLBACK");
    throw;
  }
  (void)c->exec(outcome ? "COMMIT" : "ROLLBACK");
  return outcome;
}

}  // namespace cognate::store
