// Seeding test users (`cognate seed`) and the compact at-rest form of SRP verifiers.
#include "pool/seed.h"

#include "common/random.h"
#include "crypto/srp.h"
#include "pool/directory.h"
#include "pool/users.h"
#include "pool/verifier_seal.h"
#include "store/sqlite/sqlite_store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

namespace cognate::pool {
namespace {

class SeedTest : public ::testing::Test {
 protected:
  SeedTest()
      : dir_(std::filesystem::temp_directory_path() / ("cognate-seed-" + random_uuid())),
        sealer_(crypto::master_key::from_bytes(random_bytes(32))) {
    std::filesystem::create_directories(dir_);
    store_.emplace(dir_ / "db");
    EXPECT_TRUE(store_->transact([&](store::transaction& tx) {
      return tx.directory().insert_pool(
          {.id = pool_id_, .name = "seed", .created_at = from_unix(1)});
    }));
  }
  ~SeedTest() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::optional<store::user_record> user(const std::string& email) {
    auto found = store::in_read(*store_, [&](store::transaction& tx) {
      return find_user_by_name(tx, pool_id_, email);
    });
    EXPECT_TRUE(found);
    return found ? *found : std::nullopt;
  }

  std::optional<store::factor_record> factor(const std::string& user_id) {
    auto found = store::in_read(*store_, [&](store::transaction& tx) {
      return tx.factors().find(pool_id_, user_id, "totp");
    });
    EXPECT_TRUE(found);
    return found ? *found : std::nullopt;
  }

  std::filesystem::path dir_;
  crypto::sealer sealer_;
  std::optional<store::sqlite_store> store_;
  std::string pool_id_ = "us-east-1_SeedTest1";
  manual_clock clock_;
};

TEST_F(SeedTest, CreatesConfirmedUsersWhosePasswordAndTotpSecretWork) {
  seed_options options;
  options.users = 23;
  options.batch = 5;
  options.threads = 3;
  options.totp = true;
  std::vector<std::int64_t> reported;
  auto done = seed_users(*store_, sealer_, clock_, pool_id_, options,
                         [&](const seed_progress& p) { reported.push_back(p.done); });
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->created, 23);
  EXPECT_EQ(done->done, 23);
  ASSERT_EQ(reported.size(), 5u);  // one call per batch: 5+5+5+5+3
  EXPECT_EQ(reported.back(), 23);

  for (int i : {0, 7, 22}) {
    const auto email = fmt::format("user{}@seed.example", i);
    auto u = user(email);
    ASSERT_TRUE(u) << email;
    EXPECT_EQ(u->status, store::user_status::confirmed);
    EXPECT_EQ(u->attributes_json, R"({"email":")" + email + R"(","email_verified":"true"})");
    auto v = open_verifier(sealer_, *u);
    ASSERT_TRUE(v);
    EXPECT_EQ(*v, crypto::srp_verifier_hex(srp_pool_name(pool_id_), u->id, "Seed-Passw0rd!",
                                           u->srp_salt_hex));
    EXPECT_NE(*v, crypto::srp_verifier_hex(srp_pool_name(pool_id_), u->id, "seed-passw0rd!",
                                           u->srp_salt_hex));
    EXPECT_EQ(u->created_at, clock_.now());
    auto totp = factor(u->id);
    ASSERT_TRUE(totp);
    EXPECT_EQ(totp->status, store::factor_status::active);
    EXPECT_TRUE(totp->enabled);
    EXPECT_TRUE(totp->preferred);
    auto secret = sealer_.open(totp->secret_sealed, fmt::format("user:{}:totp", u->id));
    ASSERT_TRUE(secret);
    EXPECT_EQ(*secret, seed_totp_secret(email));
    EXPECT_EQ(secret->size(), 20u);
  }
  EXPECT_FALSE(user("user23@seed.example"));
}

TEST_F(SeedTest, ARepeatedRunSkipsExistingUsersAndAddsTheRest) {
  seed_options options;
  options.users = 10;
  ASSERT_TRUE(seed_users(*store_, sealer_, clock_, pool_id_, options, nullptr));
  const auto first = user("user3@seed.example");
  ASSERT_TRUE(first);
  options.users = 15;
  auto again = seed_users(*store_, sealer_, clock_, pool_id_, options, nullptr);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->created, 5);
  EXPECT_EQ(again->done, 15);
  EXPECT_EQ(user("user3@seed.example")->id, first->id);  // untouched
  EXPECT_TRUE(user("user14@seed.example"));
  EXPECT_FALSE(factor(user("user3@seed.example")->id));
}

TEST_F(SeedTest, TotpSecretsDifferPerUserAndIgnoreEmailCase) {
  EXPECT_EQ(seed_totp_secret("User1@Seed.Example"), seed_totp_secret("user1@seed.example"));
  EXPECT_NE(seed_totp_secret("user1@seed.example"), seed_totp_secret("user2@seed.example"));
}

TEST(VerifierSeal, RoundTripsAnyVerifierAndReadsTheOlderHexForm) {
  crypto::sealer sealer(crypto::master_key::from_bytes(random_bytes(32)));
  store::user_record u;
  u.id = random_uuid();
  for (std::string hex : {std::string("1"), std::string("ab"), std::string(767, 'f'),
                          std::string(crypto::srp_verifier_hex("p", u.id, "pw", "a1b2"))}) {
    u.srp_verifier_sealed = seal_verifier(sealer, u.id, hex);
    auto opened = open_verifier(sealer, u);
    ASSERT_TRUE(opened);
    EXPECT_EQ(*opened, hex);
  }
  const auto hex = crypto::srp_verifier_hex("p", u.id, "pw", "a1b2");
  u.srp_verifier_sealed = sealer.seal(as_bytes(hex), fmt::format("user:{}:verifier", u.id));
  auto legacy = open_verifier(sealer, u);
  ASSERT_TRUE(legacy);
  EXPECT_EQ(*legacy, hex);
  // Bound to its user: another user's row cannot borrow it.
  store::user_record other = u;
  other.id = random_uuid();
  EXPECT_FALSE(open_verifier(sealer, other));
  EXPECT_THROW(seal_verifier(sealer, u.id, std::string(769, 'f')), std::invalid_argument);
}

}  // namespace
}  // namespace cognate::pool
