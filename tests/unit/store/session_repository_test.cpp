// The session repository on every engine.
#include "store/store_fixture.h"

namespace cognate::store::testing {
namespace {

class SessionRepositoryTest : public store_fixture {};
STORE_SUITE(SessionRepositoryTest);

TEST_P(SessionRepositoryTest, SessionLivesFromInsertToDelete) {
  auto inserted = session("p1", "h1", 500);
  inserted.failed_attempts = 1;
  ASSERT_TRUE(commits(db(), [&](transaction& tx) { return tx.sessions().insert(inserted); }));
  auto found = in_transaction(db(), [](transaction& tx) { return tx.sessions().find("h1"); });
  ASSERT_TRUE(found && *found);
  const auto& s = **found;
  EXPECT_EQ(s.pool_id, "p1");
  EXPECT_EQ(s.handle_hash, "h1");
  EXPECT_EQ(s.user_id, "u1");
  EXPECT_EQ(s.client_id, "c1");
  EXPECT_EQ(s.step, "PASSWORD_VERIFIER");
  EXPECT_EQ(s.state_sealed, "sealed-state");
  EXPECT_EQ(s.failed_attempts, 1);
  EXPECT_EQ(s.expires_at, from_unix(500));
  EXPECT_EQ(s.created_at, from_unix(50));

  ASSERT_TRUE(commits(db(), [](transaction& tx) { return tx.sessions().set_attempts("h1", 3); }));
  auto updated = in_transaction(db(), [](transaction& tx) { return tx.sessions().find("h1"); });
  ASSERT_TRUE(updated && *updated);
  EXPECT_EQ((*updated)->failed_attempts, 3);

  ASSERT_TRUE(commits(db(), [](transaction& tx) { return tx.sessions().remove("h1"); }));
  auto gone = in_transaction(db(), [](transaction& tx) { return tx.sessions().find("h1"); });
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_P(SessionRepositoryTest, RemovingAUsersStepLeavesTheirOtherStepsAndOtherUsers) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    auto code1 = session("p1", "code-1", 900);
    code1.step = "EMAIL_OTP";
    auto code2 = session("p1", "code-2", 900);
    code2.step = "EMAIL_OTP";
    auto other_step = session("p1", "totp", 900);
    other_step.step = "SOFTWARE_TOKEN_MFA";
    auto other_user = session("p1", "theirs", 900);
    other_user.step = "EMAIL_OTP";
    other_user.user_id = "u2";
    for (const auto& s : {code1, code2, other_step, other_user}) {
      RETURN_IF_ERROR(tx.sessions().insert(s));
    }
    return {};
  }));
  ASSERT_TRUE(commits(db(), [](transaction& tx) {
    return tx.sessions().remove_user_step("p1", "u1", "EMAIL_OTP");
  }));
  for (const auto& [hash, kept] : {std::pair{"code-1", false}, std::pair{"code-2", false},
                                   std::pair{"totp", true}, std::pair{"theirs", true}}) {
    auto found = in_transaction(db(), [&](transaction& tx) { return tx.sessions().find(hash); });
    ASSERT_TRUE(found);
    EXPECT_EQ(found->has_value(), kept) << hash;
  }
}

TEST_P(SessionRepositoryTest, DeleteExpiredSessionsRemovesOnlyExpiredOnes) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (auto s : {session("p1", "old", 100), session("p2", "old-too", 150),
                   session("p1", "edge", 200), session("p1", "new", 300)}) {
      if (auto r = tx.sessions().insert(s); !r) {
        return r;
      }
    }
    return {};
  }));
  auto swept = in_transaction(
      db(), [](transaction& tx) { return tx.sessions().remove_expired(from_unix(200)); });
  ASSERT_TRUE(swept);
  EXPECT_EQ(*swept, 2);
  auto left = [&](const char*, const char* hash) {
    return in_transaction(db(), [&](transaction& tx) { return tx.sessions().find(hash); })
        ->has_value();
  };
  EXPECT_FALSE(left("p1", "old"));
  EXPECT_FALSE(left("p2", "old-too"));
  EXPECT_TRUE(left("p1", "edge"));  // expires at `now`: not before it
  EXPECT_TRUE(left("p1", "new"));
}

// Sessions are found by their hash alone, so a hash names one Session across every pool.
TEST_P(SessionRepositoryTest, AHandleHashIsUniqueAcrossPools) {
  ASSERT_TRUE(commits(
      db(), [](transaction& tx) { return tx.sessions().insert(session("p1", "h1", 500)); }));
  auto again =
      db().transact([](transaction& tx) { return tx.sessions().insert(session("p2", "h1", 500)); });
  ASSERT_FALSE(again);
  auto found = in_read(db(), [](transaction& tx) { return tx.sessions().find("h1"); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->pool_id, "p1");
}

}  // namespace
}  // namespace cognate::store::testing
