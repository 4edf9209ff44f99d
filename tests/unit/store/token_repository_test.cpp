// The refresh-token repository on every engine.
#include "store/store_fixture.h"

namespace cognate::store::testing {
namespace {

class TokenRepositoryTest : public store_fixture {};
STORE_SUITE(TokenRepositoryTest);

TEST_P(TokenRepositoryTest, RevokingAFamilyRevokesItAndNoOtherFamily) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (auto t : {token("t1", "u1", "j1"), token("t2", "u1", "j1"), token("t3", "u1", "j2")}) {
      if (auto r = tx.tokens().insert(t); !r) {
        return r;
      }
    }
    return {};
  }));
  auto found = in_transaction(db(), [](transaction& tx) { return tx.tokens().find("p1", "t2"); });
  ASSERT_TRUE(found && *found);
  const auto& t = **found;
  EXPECT_EQ(t.token_hash, "t2");
  EXPECT_EQ(t.pool_id, "p1");
  EXPECT_EQ(t.user_id, "u1");
  EXPECT_EQ(t.client_id, "c1");
  EXPECT_EQ(t.origin_jti, "j1");
  EXPECT_EQ(t.auth_time, from_unix(100));
  EXPECT_EQ(t.expires_at, from_unix(9000));
  EXPECT_FALSE(t.revoked);
  EXPECT_EQ(t.created_at, from_unix(100));

  auto revoked = [&](const char* jti) {
    return *in_transaction(db(),
                           [&](transaction& tx) { return tx.tokens().family_revoked("p1", jti); });
  };
  EXPECT_FALSE(revoked("j1"));
  ASSERT_TRUE(commits(db(), [](transaction& tx) { return tx.tokens().revoke_family("p1", "j1"); }));
  EXPECT_TRUE(revoked("j1"));
  EXPECT_FALSE(revoked("j2"));
  auto t1 = in_transaction(db(), [](transaction& tx) { return tx.tokens().find("p1", "t1"); });
  EXPECT_TRUE((*t1)->revoked);
  auto t3 = in_transaction(db(), [](transaction& tx) { return tx.tokens().find("p1", "t3"); });
  EXPECT_FALSE((*t3)->revoked);
}

TEST_P(TokenRepositoryTest, RevokingAUsersTokensRevokesAllTheirFamiliesOnly) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (auto t : {token("t1", "u1", "j1"), token("t2", "u1", "j2"), token("t3", "u2", "j3")}) {
      if (auto r = tx.tokens().insert(t); !r) {
        return r;
      }
    }
    return {};
  }));
  ASSERT_TRUE(commits(db(), [](transaction& tx) { return tx.tokens().revoke_user("p1", "u1"); }));
  auto revoked = [&](const char* jti) {
    return *in_transaction(db(),
                           [&](transaction& tx) { return tx.tokens().family_revoked("p1", jti); });
  };
  EXPECT_TRUE(revoked("j1"));
  EXPECT_TRUE(revoked("j2"));
  EXPECT_FALSE(revoked("j3"));
}

}  // namespace
}  // namespace cognate::store::testing
