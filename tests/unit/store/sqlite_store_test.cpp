// What only the SQLite store does: migrating on open, refusing a file from a newer Cognate. The
// behaviour every engine shares is tested once for all of them in store_suite_test.cpp.
#include "store/sqlite/sqlite_store.h"

#include "common/random.h"
#include "store/sqlite/migrations.h"

#include <gtest/gtest.h>

#include <filesystem>

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
      return tx.insert_pool({"p", "n", from_unix(1)});
    }));
  }
  sqlite_store again(dir_ / "db");
  auto pool = in_transaction(again, [](transaction& tx) { return tx.first_pool(); });
  ASSERT_TRUE(pool && *pool);
  EXPECT_EQ((*pool)->id, "p");
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerVersion) {
  { sqlite_store s(dir_ / "db"); }
  {
    sqlite::connection c(dir_ / "db");
    ASSERT_TRUE(c.exec("PRAGMA user_version = 999"));
  }
  EXPECT_THROW(sqlite_store(dir_ / "db"), std::runtime_error);
}

}  // namespace
}  // namespace cognate::store
