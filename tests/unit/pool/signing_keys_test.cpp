// A pool's signing keys on a real SQLite store with a simulated clock: created once, sealed,
// rotated with a publish delay, retired after their tokens expire, per pool.
#include "pool/signing_keys.h"

#include "common/random.h"
#include "store/sqlite/sqlite_store.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>

namespace cognate::pool {
namespace {

using namespace std::chrono_literals;

class SigningKeysTest : public ::testing::Test {
 protected:
  SigningKeysTest()
      : dir_(std::filesystem::temp_directory_path() / ("cognate-keys-" + random_uuid())),
        store_((std::filesystem::create_directories(dir_), dir_ / "test.db")),
        sealer_(crypto::master_key::from_bytes(random_bytes(32))) {
    clock_.set(from_unix(1'800'000'000));
    EXPECT_TRUE(store_.transact([](store::transaction& tx) -> result<void> {
      RETURN_IF_ERROR(tx.directory().insert_pool({.id = "p1", .name = "one"}));
      return tx.directory().insert_pool({.id = "p2", .name = "two"});
    }));
  }
  ~SigningKeysTest() override { std::filesystem::remove_all(dir_); }

  signing_keys open(const std::string& pool_id) {
    return signing_keys(store_, sealer_, pool_id, clock_, 1h);
  }
  static std::vector<std::string> kids(const signing_keys& keys) {
    std::vector<std::string> out;
    const auto jwks = keys.jwks();
    for (const auto& k : jwks.at("keys").as_array()) {
      out.emplace_back(k.at("kid").as_string());
    }
    return out;
  }
  static std::string kid_of(const std::string& token) {
    auto header = base64url_decode(token.substr(0, token.find('.')));
    auto v = boost::json::parse(std::string(header->begin(), header->end()));
    return std::string(v.at("kid").as_string());
  }

  std::filesystem::path dir_;
  manual_clock clock_;
  store::sqlite_store store_;
  crypto::sealer sealer_;
};

TEST_F(SigningKeysTest, TheFirstKeyIsCreatedOnceAndStoredSealed) {
  auto first = open("p1");
  const auto created = kids(first);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(kids(open("p1")), created);  // another node loads the same key
  auto rows = store::in_read(store_, [](store::transaction& tx) { return tx.keys().list("p1"); });
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().private_pem_sealed.find("PRIVATE KEY"), std::string::npos);
  // Each pool has keys of its own.
  EXPECT_NE(kids(open("p2")), created);
}

TEST_F(SigningKeysTest, SignsAndVerifiesItsOwnTokensOnly) {
  auto one = open("p1");
  auto two = open("p2");
  const auto token = one.sign({{"sub", "u"}});
  EXPECT_TRUE(one.verify(token));
  EXPECT_FALSE(two.verify(token));
}

TEST_F(SigningKeysTest, ARotatedKeySignsAfterThePublishDelayAndTheOldOneRetires) {
  auto keys = open("p1");
  const auto old_kid = kids(keys).front();
  auto rotated = signing_keys::rotate(store_, sealer_, "p1", clock_);
  ASSERT_TRUE(rotated);
  keys.reload();
  EXPECT_EQ(kids(keys), (std::vector<std::string>{old_kid, *rotated}));
  EXPECT_EQ(kid_of(keys.sign({})), old_kid);         // published, not signing yet
  clock_.advance(signing_keys::publish_delay + 1s);  // keys are ordered by whole seconds
  keys.reload();
  EXPECT_EQ(kid_of(keys.sign({})), *rotated);
  clock_.advance(1h + 4min);  // tokens of the old key may still be valid
  keys.reload();
  EXPECT_EQ(kids(keys).size(), 2u);
  clock_.advance(2min);
  keys.reload();
  EXPECT_EQ(kids(keys), std::vector<std::string>{*rotated});
}

TEST_F(SigningKeysTest, ANodeMeetingAnUnknownKidReloadsItsKeys) {
  auto stale = open("p1");
  auto rotated = signing_keys::rotate(store_, sealer_, "p1", clock_);
  ASSERT_TRUE(rotated);
  clock_.advance(signing_keys::publish_delay + 1s);  // the new key is a second younger
  auto fresh = open("p1");
  const auto token = fresh.sign({{"sub", "u"}});
  EXPECT_EQ(kid_of(token), *rotated);
  EXPECT_TRUE(stale.verify(token));  // reloaded on meeting the new kid
}

TEST_F(SigningKeysTest, KeysSealedUnderAnotherMasterKeyRefuseToLoad) {
  (void)open("p1");
  crypto::sealer other(crypto::master_key::from_bytes(random_bytes(32)));
  EXPECT_THROW(signing_keys(store_, other, "p1", clock_, 1h), std::runtime_error);
}

}  // namespace
}  // namespace cognate::pool
