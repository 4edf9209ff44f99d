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

}  // namespace
}  // namespace cognate::store::testing
