#include "store/postgres/pg_store.h"

#include "common/metrics.h"
#include "common/random.h"
#include "store/postgres/migrations.h"
#include "store/sql/sql_transaction.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace cognate::store {
namespace {

constexpr int max_attempts = 12;
constexpr auto acquire_timeout = std::chrono::seconds(5);

int read_version(postgres::connection& c) {
  auto exists = c.query(
      "SELECT 1 FROM information_schema.tables "
      "WHERE table_name = 'schema_version' AND table_schema = current_schema()");
  if (!exists) {
    throw std::runtime_error("cannot read the schema version: " + c.error_message());
  }
  if (exists->empty()) {
    return 0;
  }
  auto rows = c.query("SELECT version FROM schema_version");
  if (!rows) {
    throw std::runtime_error("cannot read the schema version: " + c.error_message());
  }
  return rows->empty() ? 0 : static_cast<int>(rows->front().integer("version"));
}

std::unique_ptr<postgres::connection> connect(const std::string& url) {
  auto c = std::make_unique<postgres::connection>(url);
  if (!c->ok()) {
    throw std::runtime_error("cannot connect to PostgreSQL: " + c->error_message());
  }
  return c;
}

}  // namespace

int pg_store::known_schema_version() { return static_cast<int>(postgres::migrations().size()); }

result<store::schema_versions> pg_store::schema() {
  ASSIGN_OR_RETURN(auto c, acquire());
  try {
    return schema_versions{.database = read_version(*c), .known = known_schema_version()};
  } catch (const std::exception& e) {
    return internal_failure(e.what());
  }
}

int pg_store::schema_version(const std::string& url) {
  auto c = connect(url);
  return read_version(*c);
}

int pg_store::migrate(const std::string& url, int target) {
  auto c = connect(url);
  const auto scripts = postgres::migrations();
  for (;;) {
    // One migration per transaction; the advisory lock serialises concurrent migrators.
    if (!c->exec("BEGIN") || !c->exec("SELECT pg_advisory_xact_lock(7358131)")) {
      throw std::runtime_error("cannot start a migration: " + c->error_message());
    }
    const int version = read_version(*c);
    if (version > known_schema_version()) {
      (void)c->exec("ROLLBACK");
      throw std::runtime_error(fmt::format(
          "the database has schema version {}, newer than this cognate knows ({}); upgrade cognate",
          version, known_schema_version()));
    }
    if (version >= target) {
      (void)c->exec("COMMIT");
      return version;
    }
    std::string script(scripts[static_cast<std::size_t>(version)]);
    if (version == 0) {
      script += "\nCREATE TABLE schema_version (version BIGINT NOT NULL);"
                "\nINSERT INTO schema_version (version) VALUES (0);";
    }
    script += fmt::format("\nUPDATE schema_version SET version = {};", version + 1);
    if (!c->exec(script) || !c->exec("COMMIT")) {
      auto message = c->error_message();
      (void)c->exec("ROLLBACK");
      throw std::runtime_error(
          fmt::format("cannot migrate to schema version {}: {}", version + 1, message));
    }
    spdlog::info("database migrated to schema version {}", version + 1);
  }
}

pg_store::pg_store(const std::string& url, int pool_size) {
  for (int i = 0; i < std::max(1, pool_size); ++i) {
    idle_.push_back(connect(url));
  }
  const int version = read_version(*idle_.front());
  if (version != known_schema_version()) {
    throw std::runtime_error(fmt::format(
        "the database has schema version {} but this cognate needs {}: run `cognate migrate "
        "--database <url>` first",
        version, known_schema_version()));
  }
}

result<pg_store::lease> pg_store::acquire() {
  lease c(nullptr, give_back{this});
  {
    std::unique_lock lock(mutex_);
    if (!available_.wait_for(lock, acquire_timeout, [&] { return !idle_.empty(); })) {
      return internal_failure("no PostgreSQL connection became free within 5 s");
    }
    c.reset(idle_.back().release());
    idle_.pop_back();
  }
  if (!c->ensure_connected()) {
    return internal_failure("PostgreSQL is unreachable: " + c->error_message());
  }
  return c;
}

void pg_store::give_back::operator()(postgres::connection* c) const {
  store->release(std::unique_ptr<postgres::connection>(c));
}

void pg_store::release(std::unique_ptr<postgres::connection> c) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(c));
  }
  available_.notify_one();
}

result<void> pg_store::transact(const std::function<result<void>(transaction&)>& work) {
  const auto started = std::chrono::steady_clock::now();
  auto outcome = run(work, "BEGIN ISOLATION LEVEL SERIALIZABLE");
  metrics::note_transaction("write", started, outcome.has_value());
  return outcome;
}

// A snapshot that never conflicts: reads need no serialisation checks of their own.
result<void> pg_store::read(const std::function<result<void>(transaction&)>& work) {
  const auto started = std::chrono::steady_clock::now();
  auto outcome = run(work, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  metrics::note_transaction("read", started, outcome.has_value());
  return outcome;
}

result<void> pg_store::run(const std::function<result<void>(transaction&)>& work,
                           const char* begin) {
  ASSIGN_OR_RETURN(auto c, acquire());
  bool reconnected = false;
  for (int attempt = 1;; ++attempt) {
    // BEGIN travels with the body's first statement (one round trip saved per transaction).
    c->begin(begin);
    auto tx = make_sql_transaction(*c);
    result<void> outcome;
    try {
      outcome = work(*tx);
    } catch (...) {
      (void)c->end(false);
      throw;
    }
    bool retry = false;
    if (outcome) {
      auto committed = c->end(true);
      if (committed) {
        return {};
      }
      retry = c->last_failure_retryable();  // a lost connection here may have committed
      outcome = committed;
    } else if (!c->ok() && !reconnected && c->ensure_connected()) {
      // The server closed the connection (e.g. PostgreSQL restarted; libpq notices on use)
      // before COMMIT: nothing was committed, so the body runs again on a fresh connection.
      reconnected = true;
      retry = true;
    } else {
      retry = c->last_failure_retryable();
      (void)c->end(false);
    }
    if (!retry) {
      return outcome;
    }
    if (attempt >= max_attempts) {
      return internal_failure("transaction still conflicting after retries");
    }
    metrics::process().store_retries.with({}).add();
    // Back off a little, with jitter, before running the whole transaction again.
    std::this_thread::sleep_for(std::chrono::milliseconds(random_below(5u << std::min(attempt, 5))));
  }
}

}  // namespace cognate::store
