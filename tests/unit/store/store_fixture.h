#pragma once
// The storage behaviour every backend must have (STYLE rule 11): each repository's suite is
// instantiated for SQLite and for PostgreSQL. Each test gets a fresh database: a file in a
// temporary folder, or a database of its own (created, migrated, dropped) in the PostgreSQL
// cluster named by COGNATE_TEST_POSTGRES_URL, which scripts/run-tests starts. Without that
// variable the PostgreSQL tests fail (say so loudly) unless COGNATE_SKIP_POSTGRES=1 asks to skip
// them. Every database starts with two pools, p1 and p2.

#include "common/random.h"
#include "store/postgres/connection.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <latch>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace cognate::store::testing {

enum class engine { sqlite, postgres };

inline void PrintTo(engine e, std::ostream* os) {
  *os << (e == engine::sqlite ? "SQLite" : "PostgreSQL");
}

inline std::string engine_name(const ::testing::TestParamInfo<engine>& info) {
  return info.param == engine::sqlite ? "Sqlite" : "Postgres";
}

// Instantiates the TEST_Ps of `suite` (a store_fixture) once per engine.
#define STORE_SUITE(suite)                                                                 \
  INSTANTIATE_TEST_SUITE_P(, suite,                                                        \
                           ::testing::Values(::cognate::store::testing::engine::sqlite,    \
                                             ::cognate::store::testing::engine::postgres), \
                           ::cognate::store::testing::engine_name)

// `url` (postgresql://user@host:port/db?params) naming database `name` instead.
std::string with_database(const std::string& url, const std::string& name);

// Runs `body(i)` for i in [0, n) on n threads released at the same moment; returns when all end.
// `body` must not use fatal assertions (EXPECT_* is thread-safe, ASSERT_* returns from it only).
template <class Body>
void on_threads(int n, Body body) {
  std::latch start(n);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&start, &body, i] {
      start.arrive_and_wait();
      body(i);
    });
  }
  for (auto& t : threads) {
    t.join();
  }
}

// Rows to insert, with the fields tests do not care about filled in.
user_record user(std::string pool_id, std::string id, std::string email_key);
auth_session_record session(std::string pool_id, std::string hash, std::int64_t expires_at);
refresh_token_record token(std::string hash, std::string user_id, std::string origin_jti);
outbox_record mail(std::string recipient, std::int64_t due);

// Writes as one transaction and says whether it committed.
template <class Work>
::testing::AssertionResult commits(store& s, Work work) {
  auto r = s.transact([&](transaction& tx) -> result<void> { return work(tx); });
  if (r) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "transaction failed: " << exception_name(r.error().code) << ": " << r.error().message;
}

class store_fixture : public ::testing::TestWithParam<engine> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // False for suites that build their database themselves (migrations): SetUp then only makes
  // an empty database and opens no store.
  virtual bool starts_migrated() const { return true; }

  // Another store object on this test's database: a second "node".
  std::unique_ptr<store> open_store();
  store& db() { return *store_; }
  engine current_engine() const { return GetParam(); }
  // PostgreSQL: the URL of this test's database.
  const std::string& url() const { return url_; }
  // SQLite: this test's database file.
  std::filesystem::path file() const { return dir_ / "db"; }

  std::optional<user_record> find_user(const std::string& pool_id, const std::string& id);

 private:
  std::unique_ptr<store> store_;
  std::filesystem::path dir_;                    // SQLite
  std::unique_ptr<postgres::connection> admin_;  // PostgreSQL: the cluster's own database
  std::string database_;
  std::string url_;
};

}  // namespace cognate::store::testing
