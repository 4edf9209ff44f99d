// The operator credential repository on every engine.
#include "store/store_fixture.h"

namespace cognate::store::testing {
namespace {

class CredentialRepositoryTest : public store_fixture {};
STORE_SUITE(CredentialRepositoryTest);

TEST_P(CredentialRepositoryTest, KeepsCredentialsAndRevokesThemOnce) {
  const credential_record full{.access_key_id = "AKCG1",
                               .name = "sandbox",
                               .secret_sealed = "sealed-1",
                               .created_at = from_unix(100)};
  const credential_record limited{.access_key_id = "AKCG2",
                                  .name = "support desk",
                                  .secret_sealed = "sealed-2",
                                  .pools = {"us-east-1_A", "eu-west-1_B"},
                                  .allow = {"AdminGet*", "List*"},
                                  .created_at = from_unix(200)};
  ASSERT_TRUE(commits(db(), [&](transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.credentials().insert(limited));
    return tx.credentials().insert(full);
  }));
  auto found = in_transaction(db(), [](transaction& tx) { return tx.credentials().find("AKCG2"); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->name, "support desk");
  EXPECT_EQ((*found)->secret_sealed, "sealed-2");
  EXPECT_EQ((*found)->pools, limited.pools);
  EXPECT_EQ((*found)->allow, limited.allow);
  EXPECT_EQ((*found)->created_at, from_unix(200));
  EXPECT_FALSE((*found)->revoked_at);

  auto listed = in_transaction(db(), [](transaction& tx) { return tx.credentials().list(); });
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].access_key_id, "AKCG1");  // oldest first
  EXPECT_TRUE((*listed)[0].pools.empty());

  auto first = in_transaction(db(), [](transaction& tx) { return tx.credentials().revoke("AKCG1", from_unix(300)); });
  auto again = in_transaction(db(), [](transaction& tx) { return tx.credentials().revoke("AKCG1", from_unix(400)); });
  auto unknown = in_transaction(db(), [](transaction& tx) { return tx.credentials().revoke("AKCG9", from_unix(400)); });
  ASSERT_TRUE(first && again && unknown);
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*again);
  EXPECT_FALSE(*unknown);
  auto revoked = in_transaction(db(), [](transaction& tx) { return tx.credentials().find("AKCG1"); });
  ASSERT_TRUE(revoked && *revoked && (*revoked)->revoked_at);
  EXPECT_EQ(*(*revoked)->revoked_at, from_unix(300));
  auto none = in_transaction(db(), [](transaction& tx) { return tx.credentials().find("AKCG9"); });
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

}  // namespace
}  // namespace cognate::store::testing
