// The signing-key repository on every engine.
#include "store/store_fixture.h"

#include <vector>

namespace cognate::store::testing {
namespace {

class KeyRepositoryTest : public store_fixture {};

signing_key_record key(std::string kid, std::string pool_id, std::string pem, bool active,
                       std::int64_t at) {
  return {.kid = std::move(kid),
          .pool_id = std::move(pool_id),
          .private_pem_sealed = std::move(pem),
          .active = active,
          .created_at = from_unix(at)};
}
STORE_SUITE(KeyRepositoryTest);

TEST_P(KeyRepositoryTest, SigningKeysAreListedOldestFirstPerPool) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (auto k : {key("k2", "p1", "pem-2", true, 200), key("k1", "p1", "pem-1", true, 200),
                   key("k0", "p1", "pem-0", true, 300), key("kx", "p2", "pem-x", true, 100),
                   key("k3", "p1", "pem-3", false, 100)}) {
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
