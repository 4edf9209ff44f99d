// The code repository on every engine.
#include "store/store_fixture.h"

namespace cognate::store::testing {
namespace {

class CodeRepositoryTest : public store_fixture {};
STORE_SUITE(CodeRepositoryTest);

TEST_P(CodeRepositoryTest, PutCodeKeepsOneCodePerUserAndPurpose) {
  ASSERT_TRUE(commits(
      db(), [](transaction& tx) { return tx.users().insert(user("p1", "u1", "a@x.com")); }));
  const code_record first{.pool_id = "p1",
                          .user_id = "u1",
                          .purpose = "signup",
                          .code_hash = "hash-1",
                          .expires_at = from_unix(1000),
                          .failed_attempts = 2,
                          .sent_in_window = 1,
                          .window_start = from_unix(100)};
  const code_record second{.pool_id = "p1",
                           .user_id = "u1",
                           .purpose = "signup",
                           .code_hash = "hash-2",
                           .superseded_hash = "hash-1",
                           .expires_at = from_unix(1'900'000'900),
                           .failed_attempts = 0,
                           .sent_in_window = 2,
                           .window_start = from_unix(100)};
  const code_record reset{.pool_id = "p1",
                          .user_id = "u1",
                          .purpose = "reset",
                          .code_hash = "hash-r",
                          .expires_at = from_unix(700),
                          .failed_attempts = 1,
                          .sent_in_window = 1,
                          .window_start = from_unix(300)};
  ASSERT_TRUE(commits(db(), [&](transaction& tx) { return tx.codes().put(first); }));
  ASSERT_TRUE(commits(db(), [&](transaction& tx) -> result<void> {
    if (auto r = tx.codes().put(second); !r) {
      return r;
    }
    return tx.codes().put(reset);
  }));

  auto found =
      in_transaction(db(), [](transaction& tx) { return tx.codes().find("p1", "u1", "signup"); });
  ASSERT_TRUE(found && *found);
  const auto& c = **found;
  EXPECT_EQ(c.pool_id, "p1");
  EXPECT_EQ(c.user_id, "u1");
  EXPECT_EQ(c.purpose, "signup");
  EXPECT_EQ(c.code_hash, "hash-2");
  EXPECT_EQ(c.superseded_hash, "hash-1");
  EXPECT_EQ(c.expires_at, from_unix(1'900'000'900));
  EXPECT_EQ(c.failed_attempts, 0);
  EXPECT_EQ(c.sent_in_window, 2);
  EXPECT_EQ(c.window_start, from_unix(100));

  ASSERT_TRUE(
      commits(db(), [](transaction& tx) { return tx.codes().remove("p1", "u1", "signup"); }));
  auto gone =
      in_transaction(db(), [](transaction& tx) { return tx.codes().find("p1", "u1", "signup"); });
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
  auto other =
      in_transaction(db(), [](transaction& tx) { return tx.codes().find("p1", "u1", "reset"); });
  ASSERT_TRUE(other && *other);
  EXPECT_EQ((*other)->code_hash, "hash-r");
  EXPECT_EQ((*other)->expires_at, from_unix(700));
  EXPECT_EQ((*other)->failed_attempts, 1);
}

TEST_P(CodeRepositoryTest, DecoysKeepTheStateOfNamesNoUserHasAndAreSweptWhenStale) {
  const code_record live{.pool_id = "p1",
                         .user_id = "name-key-1",
                         .purpose = "reset",
                         .expires_at = from_unix(5000),
                         .failed_attempts = 2,
                         .sent_in_window = 3,
                         .window_start = from_unix(4000)};
  auto stale = live;
  stale.user_id = "name-key-2";
  stale.expires_at = from_unix(1000);
  stale.window_start = from_unix(100);
  ASSERT_TRUE(commits(db(), [&](transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.codes().put_decoy(live));
    return tx.codes().put_decoy(stale);
  }));
  auto found = in_transaction(
      db(), [](transaction& tx) { return tx.codes().find_decoy("p1", "name-key-1", "reset"); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->user_id, "name-key-1");
  EXPECT_EQ((*found)->expires_at, from_unix(5000));
  EXPECT_EQ((*found)->failed_attempts, 2);
  EXPECT_EQ((*found)->sent_in_window, 3);
  EXPECT_EQ((*found)->window_start, from_unix(4000));
  EXPECT_EQ((*found)->code_hash, "");
  // Another purpose or pool is another decoy; a decoy is never a user's code.
  auto other = in_transaction(db(), [](transaction& tx) -> result<int> {
    ASSIGN_OR_RETURN(auto a, tx.codes().find_decoy("p1", "name-key-1", "signup"));
    ASSIGN_OR_RETURN(auto b, tx.codes().find_decoy("p2", "name-key-1", "reset"));
    ASSIGN_OR_RETURN(auto c, tx.codes().find("p1", "name-key-1", "reset"));
    return (a ? 1 : 0) + (b ? 1 : 0) + (c ? 1 : 0);
  });
  ASSERT_TRUE(other);
  EXPECT_EQ(*other, 0);
  // At t=3800 the stale one's code and hourly window are both over; the live one's are not.
  auto swept =
      in_transaction(db(), [](transaction& tx) { return tx.codes().remove_stale_decoys(from_unix(3800)); });
  ASSERT_TRUE(swept);
  EXPECT_EQ(*swept, 1);
  auto kept = in_transaction(
      db(), [](transaction& tx) { return tx.codes().find_decoy("p1", "name-key-1", "reset"); });
  ASSERT_TRUE(kept && *kept);
}

TEST_P(CodeRepositoryTest, RemoveUserDropsEveryCodeOfThatUserOnly) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.users().insert(user("p1", "u1", "a@x.com")));
    RETURN_IF_ERROR(tx.users().insert(user("p1", "u2", "b@x.com")));
    for (const char* purpose : {"signup", "reset", "verify:email"}) {
      RETURN_IF_ERROR(tx.codes().put({.pool_id = "p1", .user_id = "u1", .purpose = purpose,
                                      .code_hash = "h", .expires_at = from_unix(9)}));
    }
    return tx.codes().put({.pool_id = "p1", .user_id = "u2", .purpose = "reset",
                           .code_hash = "h2", .expires_at = from_unix(9)});
  }));
  ASSERT_TRUE(commits(db(), [](transaction& tx) { return tx.codes().remove_user("p1", "u1"); }));
  auto left = in_transaction(db(), [](transaction& tx) -> result<int> {
    int n = 0;
    for (const char* purpose : {"signup", "reset", "verify:email"}) {
      ASSIGN_OR_RETURN(auto c, tx.codes().find("p1", "u1", purpose));
      n += c ? 1 : 0;
    }
    ASSIGN_OR_RETURN(auto other, tx.codes().find("p1", "u2", "reset"));
    return n * 10 + (other ? 1 : 0);
  });
  ASSERT_TRUE(left);
  EXPECT_EQ(*left, 1);
}

}  // namespace
}  // namespace cognate::store::testing
