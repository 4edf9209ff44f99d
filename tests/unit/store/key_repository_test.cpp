// The signing-key repository on every engine.
#include "store/store_fixture.h"

#include <vector>

namespace cognate::store::testing {
namespace {

class KeyRepositoryTest : public store_fixture {};
STORE_SUITE(KeyRepositoryTest);

TEST_P(KeyRepositoryTest, SigningKeysAreListedOldestFirstPerPool) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (auto k : {signing_key_record{"k2", "p1", "pem-2", true, from_unix(200)},
                   signing_key_record{"k1", "p1", "pem-1", true, from_unix(200)},
                   signing_key_record{"k0", "p1", "pem-0", true, from_unix(300)},
                   signing_key_record{"kx", "p2", "pem-x", true, from_unix(100)},
                   signing_key_record{"k3", "p1", "pem-3", false, from_unix(100)}}) {
      if (auto r = tx.keys().insert(k); !r) {
        return r;
      }
    }
    return {};
  }));
  auto keys = in_transaction(db(), [](transaction& tx) { return tx.keys().list("p1"); });
  ASSERT_TRUE(keys);
  std::vector<std::string> kids;
  for (const auto& k : *keys) {
    kids.push_back(k.kid);
  }
  EXPECT_EQ(kids, (std::vector<std::string>{"k3", "k1", "k2", "k0"}));  // by time, then kid
  const auto& oldest = keys->front();
  EXPECT_EQ(oldest.pool_id, "p1");
  EXPECT_EQ(oldest.private_pem_sealed, "pem-3");
  EXPECT_FALSE(oldest.active);
  EXPECT_EQ(oldest.created_at, from_unix(100));
  EXPECT_TRUE(keys->back().active);
  auto none = in_transaction(db(), [](transaction& tx) { return tx.keys().list("p9"); });
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace cognate::store::testing
