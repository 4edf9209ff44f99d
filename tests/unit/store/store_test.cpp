// Transactions on every engine: all or nothing, durable once returned, isolated, reads apart.
#include "store/store_fixture.h"

#include <functional>
#include <stdexcept>

namespace cognate::store::testing {
namespace {

class StoreTest : public store_fixture {};
STORE_SUITE(StoreTest);

TEST_P(StoreTest, TellsItsSchemaVersionAndTheOneThisBuildKnows) {
  auto v = db().schema();
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_GT(v->known, 0);
  EXPECT_EQ(v->database, v->known);  // the fixture's database is migrated by this build
}

TEST_P(StoreTest, FailedTransactionLeavesNoTrace) {
  auto r = db().transact([](transaction& tx) -> result<void> {
    auto code = code_record{.pool_id = "p1", .user_id = "u1", .purpose = "signup", .code_hash = "h",
                            .expires_at = from_unix(500), .sent_in_window = 1,
                            .window_start = from_unix(100)};
    for (auto step : std::vector<std::function<result<void>()>>{
             [&] {
               return tx.directory().insert_client({.id = "c1", .pool_id = "p1", .name = "web"});
             },
             [&] { return tx.users().insert(user("p1", "u1", "a@x.com")); },
             [&] { return tx.codes().put(code); },
             [&] { return tx.sessions().insert(session("p1", "h1", 500)); },
             [&] { return tx.tokens().insert(token("t1", "u1", "j1")); },
             [&] {
               return tx.audit().append({"p1", "u1", "sign_up", "{}", from_unix(100)});
             },
             [&]() -> result<void> {
               if (auto id = tx.outbox().enqueue(mail("a@x.com", 100)); !id) {
                 return id.error();
               }
               return {};
             }}) {
      if (auto done = step(); !done) {
        return done;
      }
    }
    return failure{errc::invalid_parameter, "changed my mind"};
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_parameter);

  EXPECT_FALSE(find_user("p1", "u1"));
  auto client =
      in_transaction(db(), [](transaction& tx) { return tx.directory().find_client("c1"); });
  EXPECT_FALSE(*client);
  auto code =
      in_transaction(db(), [](transaction& tx) { return tx.codes().find("p1", "u1", "signup"); });
  EXPECT_FALSE(*code);
  auto s = in_transaction(db(), [](transaction& tx) { return tx.sessions().find("h1"); });
  EXPECT_FALSE(*s);
  auto t = in_transaction(db(), [](transaction& tx) { return tx.tokens().find("p1", "t1"); });
  EXPECT_FALSE(*t);
  EXPECT_EQ(*in_transaction(db(), [](transaction& tx) { return tx.outbox().count_pending(); }), 0);
}

TEST_P(StoreTest, AnExceptionRollsBackAndReachesTheCaller) {
  EXPECT_THROW((void)db().transact([](transaction& tx) -> result<void> {
    if (auto r = tx.users().insert(user("p1", "u1", "a@x.com")); !r) {
      return r;
    }
    throw std::logic_error("bug");
  }),
               std::logic_error);
  EXPECT_FALSE(find_user("p1", "u1"));
  // The store is still usable afterwards (the connection went back to its pool, no open BEGIN).
  EXPECT_TRUE(commits(
      db(), [](transaction& tx) { return tx.users().insert(user("p1", "u1", "a@x.com")); }));
  EXPECT_TRUE(find_user("p1", "u1"));
}

TEST_P(StoreTest, CommittedDataIsSeenByAnotherStoreOnTheSameDatabase) {
  ASSERT_TRUE(commits(
      db(), [](transaction& tx) { return tx.users().insert(user("p1", "u1", "a@x.com")); }));
  auto other = open_store();
  auto found =
      in_transaction(*other, [](transaction& tx) { return tx.users().find_by_id("p1", "u1"); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->email_key, "a@x.com");
}

TEST_P(StoreTest, ConcurrentWritersKeepExactlyTheSuccessfulOnes) {
  on_threads(16, [&](int t) {
    for (int i = 0; i < 10; ++i) {
      const std::string id = "u" + std::to_string(t * 100 + i);
      auto r = db().transact([&](transaction& tx) -> result<void> {
        if (auto ok = tx.users().insert(user("p1", id, id + "@x.com")); !ok) {
          return ok;
        }
        if (i % 2 == 1) {
          return failure{errc::invalid_parameter, "odd units change their mind"};
        }
        return {};
      });
      EXPECT_EQ(r.has_value(), i % 2 == 0) << id;
    }
  });
  for (int t = 0; t < 16; ++t) {
    for (int i = 0; i < 10; ++i) {
      const std::string id = "u" + std::to_string(t * 100 + i);
      EXPECT_EQ(find_user("p1", id).has_value(), i % 2 == 0) << id;
    }
  }
}

TEST_P(StoreTest, ReadsSeeEveryWriteThatReturned) {
  on_threads(8, [&](int t) {
    for (int i = 0; i < 10; ++i) {
      const std::string id = "r" + std::to_string(t * 100 + i);
      auto w = db().transact(
          [&](transaction& tx) { return tx.users().insert(user("p1", id, id + "@x.com")); });
      EXPECT_TRUE(w) << w.error().message;
      auto seen = in_read(db(), [&](transaction& tx) { return tx.users().find_by_id("p1", id); });
      EXPECT_TRUE(seen && *seen) << id;
    }
  });
}

TEST_P(StoreTest, ReadsCannotWrite) {
  auto r =
      db().read([](transaction& tx) { return tx.users().insert(user("p1", "u1", "a@x.com")); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::internal);
  EXPECT_FALSE(find_user("p1", "u1"));
}

// PostgreSQL re-runs a transaction that lost a serialization race. The re-run starts from what
// the database holds then, and in_transaction() returns what the last run returned.
TEST_P(StoreTest, ARetriedTransactionReturnsWhatItsLastRunFound) {
  if (current_engine() == engine::sqlite) {
    GTEST_SKIP() << "SQLite runs each unit of work once, on its single writer";
  }
  ASSERT_TRUE(commits(
      db(), [](transaction& tx) { return tx.users().insert(user("p1", "u1", "a@x.com")); }));
  auto other = open_store();  // a second node
  int runs = 0;
  auto counted = in_transaction(db(), [&](transaction& tx) -> result<int> {
    ++runs;
    ASSIGN_OR_RETURN(auto found, tx.users().find_by_id("p1", "u1"));
    auto u = found.value();
    if (runs == 1) {
      // The other node changes the row after this run read it: this run cannot commit.
      EXPECT_TRUE(commits(*other, [](transaction& tx2) -> result<void> {
        ASSIGN_OR_RETURN(auto theirs, tx2.users().find_by_id("p1", "u1"));
        theirs->failed_sign_ins = 10;
        return tx2.users().update(*theirs);
      }));
    }
    ++u.failed_sign_ins;
    RETURN_IF_ERROR(tx.users().update(u));
    return u.failed_sign_ins;
  });
  ASSERT_TRUE(counted) << counted.error().message;
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(*counted, 11);  // from the second run, which read the other node's 10
  EXPECT_EQ(find_user("p1", "u1")->failed_sign_ins, 11);
}

}  // namespace
}  // namespace cognate::store::testing
