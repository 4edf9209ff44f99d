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

  static user_record user(std::string id, std::string email) {
    user_record u;
    u.pool_id = "p";
    u.id = std::move(id);
    u.email = email;
    u.email_key = email;
    u.attributes_json = "{}";
    return u;
  }

  std::filesystem::path dir_;
};

TEST_F(SqliteStoreTest, MigratesOnceAndKeepsDataAcrossReopen) {
  {
    sqlite_store s(dir_ / "db");
    EXPECT_EQ(s.schema_version(), static_cast<int>(sqlite::migrations().size()));
    ASSERT_TRUE(s.transact([](transaction& tx) { return tx.insert_pool({"p", "n", from_unix(1)}); }));
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

TEST_F(SqliteStoreTest, EmailKeyIsUniquePerPool) {
  sqlite_store s(dir_ / "db");
  ASSERT_TRUE(s.transact([](transaction& tx) { return tx.insert_pool({"p", "n", from_unix(1)}); }));
  ASSERT_TRUE(s.transact([](transaction& tx) { return tx.insert_user(user("u1", "a@x.com")); }));
  auto dup = s.transact([](transaction& tx) { return tx.insert_user(user("u2", "a@x.com")); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::username_exists);
}

TEST_F(SqliteStoreTest, FailedTransactionLeavesNoTrace) {
  sqlite_store s(dir_ / "db");
  auto r = s.transact([](transaction& tx) -> result<void> {
    if (auto ok = tx.insert_pool({"p", "n", from_unix(1)}); !ok) {
      return ok;
    }
    return fail(errc::invalid_parameter, "changed my mind");
  });
  ASSERT_FALSE(r);
  auto pool = in_transaction(s, [](transaction& tx) { return tx.first_pool(); });
  EXPECT_FALSE(*pool);
}

TEST_F(SqliteStoreTest, OutboxClaimsDueMailOnceUntilTheLeaseEnds) {
  sqlite_store s(dir_ / "db");
  outbox_record m;
  m.recipient = "a@x.com";
  m.payload_sealed = "sealed";
  m.next_attempt_at = from_unix(100);
  m.created_at = from_unix(100);
  ASSERT_TRUE(in_transaction(s, [&](transaction& tx) { return tx.enqueue_mail(m); }));
  auto claim = [&](std::int64_t now) {
    return in_transaction(s, [&](transaction& tx) {
             return tx.claim_due_mail(from_unix(now), from_unix(now + 60), 10);
           })
        ->size();
  };
  EXPECT_EQ(claim(99), 0u);    // not due yet
  EXPECT_EQ(claim(100), 1u);   // due: claimed
  EXPECT_EQ(claim(101), 0u);   // leased to the first claimer
  EXPECT_EQ(claim(160), 1u);   // lease over: claimable again
  auto rows = in_transaction(s, [&](transaction& tx) {
    return tx.claim_due_mail(from_unix(1000), from_unix(1060), 10);
  });
  ASSERT_TRUE(s.transact([&](transaction& tx) { return tx.mark_mail_sent(rows->front().id, from_unix(1001)); }));
  EXPECT_EQ(claim(5000), 0u);  // sent mail is never claimed again
  EXPECT_EQ(*in_transaction(s, [](transaction& tx) { return tx.count_pending_mail(); }), 0);
}

TEST_F(SqliteStoreTest, SweepsOnlyExpiredSessions) {
  sqlite_store s(dir_ / "db");
  auto session = [](std::string hash, std::int64_t expires) {
    return auth_session_record{"p", std::move(hash), "u", "c", "STEP", "", 0, from_unix(expires),
                               from_unix(0)};
  };
  ASSERT_TRUE(s.transact([&](transaction& tx) -> result<void> {
    if (auto r = tx.insert_session(session("old", 100)); !r) {
      return r;
    }
    return tx.insert_session(session("new", 300));
  }));
  auto swept = in_transaction(s, [](transaction& tx) { return tx.delete_expired_sessions(from_unix(200)); });
  EXPECT_EQ(*swept, 1);
  auto left = in_transaction(s, [](transaction& tx) { return tx.find_session("p", "new"); });
  EXPECT_TRUE(*left);
}

}  // namespace
}  // namespace cognate::store
