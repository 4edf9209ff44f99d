// What only the SQLite store does: migrating on open, refusing a file from a newer Cognate, group
// commit. The behaviour every engine shares is tested once for all of them by the repository
// suites (store_fixture.h).
#include "store/sqlite/sqlite_store.h"

#include "common/random.h"
#include "store/sqlite/migrations.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <latch>
#include <stdexcept>
#include <thread>
#include <vector>

namespace cognate::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  SqliteStoreTest()
      : dir_(std::filesystem::temp_directory_path() / ("cognate-store-" + random_uuid())) {
    std::filesystem::create_directories(dir_);
  }
  ~SqliteStoreTest() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
};

TEST_F(SqliteStoreTest, MigratesOnceAndKeepsDataAcrossReopen) {
  {
    sqlite_store s(dir_ / "db");
    EXPECT_EQ(s.schema_version(), static_cast<int>(sqlite::migrations().size()));
    ASSERT_TRUE(s.transact([](transaction& tx) {
      return tx.directory().insert_pool({.id = "p", .name = "n", .created_at = from_unix(1)});
    }));
  }
  sqlite_store again(dir_ / "db");
  auto pool = in_transaction(again, [](transaction& tx) { return tx.directory().find_pool("p"); });
  ASSERT_TRUE(pool && *pool);
  EXPECT_EQ((*pool)->name, "n");
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerVersion) {
  { sqlite_store s(dir_ / "db"); }
  {
    sqlite::connection c(dir_ / "db");
    ASSERT_TRUE(c.exec("PRAGMA user_version = 999"));
  }
  EXPECT_THROW(sqlite_store(dir_ / "db"), std::runtime_error);
}

user_record user(const std::string& id) {
  user_record u;
  u.pool_id = "p1";
  u.id = id;
  u.email = u.email_key = id + "@x.com";
  u.attributes_json = "{}";
  return u;
}

// 16 writers released together: while one commit's fsync runs, the others queue and share the
// next commit. Failing and throwing units in the same batches are undone alone.
TEST_F(SqliteStoreTest, ConcurrentWritersShareCommitsAndFailuresStayTheirOwn) {
  sqlite_store s(dir_ / "db");
  ASSERT_TRUE(s.transact([](transaction& tx) { return tx.directory().insert_pool({.id = "p1", .name = "n", .created_at = from_unix(1)}); }));
  constexpr int threads = 16;
  constexpr int units = 30;
  std::latch start(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < units; ++i) {
        const std::string id = fmt::format("u{}-{}", t, i);
        auto work = [&](transaction& tx) -> result<void> {
          if (auto ok = tx.users().insert(user(id)); !ok) {
            return ok;
          }
          if (i % 3 == 1) {
            return failure{errc::invalid_parameter, "no"};
          }
          if (i % 3 == 2) {
            throw std::logic_error("bug");
          }
          return {};
        };
        if (i % 3 == 2) {
          EXPECT_THROW((void)s.transact(work), std::logic_error);
        } else {
          auto r = s.transact(work);
          EXPECT_EQ(r.has_value(), i % 3 == 0) << id;
        }
      }
    });
  }
  for (auto& t : pool) {
    t.join();
  }
  int kept = 0;
  for (int t = 0; t < threads; ++t) {
    for (int i = 0; i < units; ++i) {
      auto found = in_read(s, [&](transaction& tx) {
        return tx.users().find_by_id("p1", fmt::format("u{}-{}", t, i));
      });
      ASSERT_TRUE(found);
      EXPECT_EQ(found->has_value(), i % 3 == 0);
      kept += found->has_value() ? 1 : 0;
    }
  }
  const auto stats = s.stats();
  EXPECT_EQ(stats.units, kept + 1);  // + the pool
  EXPECT_EQ(kept, threads * units / 3);
  // Batching happened: fewer commits (fsyncs) than successful units.
  EXPECT_LT(stats.commits, stats.units);
}

}  // namespace
}  // namespace cognate::store
