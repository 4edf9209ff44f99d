// The directory of pools and clients as a node serves it: built from the store, every pool with
// its settings, issuer and keys; reloaded when (and only when) the stored version moves.
#include "pool/directory.h"

#include "common/random.h"
#include "pool/settings_json.h"
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace cognate::pool {
namespace {

class DirectoryTest : public ::testing::Test {
 protected:
  DirectoryTest()
      : dir_(std::filesystem::temp_directory_path() / ("cognate-dir-" + random_uuid())),
        store_((std::filesystem::create_directories(dir_), dir_ / "test.db")),
        sealer_(crypto::master_key::from_bytes(random_bytes(32))) {
    pool_settings required;
    required.mfa = mfa_mode::required;
    required.totp_enabled = true;
    EXPECT_TRUE(store_.transact([&](store::transaction& tx) -> result<void> {
      RETURN_IF_ERROR(tx.directory().insert_pool({.id = "us-east-1_One",
                                                  .name = "one",
                                                  .settings_json = settings_to_json(required),
                                                  .created_at = from_unix(1)}));
      RETURN_IF_ERROR(tx.directory().insert_pool(
          {.id = "us-east-1_Two",
           .name = "two",
           .settings_json = "{}",
           .issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Two",
           .created_at = from_unix(2)}));
      RETURN_IF_ERROR(tx.directory().insert_client({.id = "web",
                                                    .pool_id = "us-east-1_One",
                                                    .auth_flows = {"ALLOW_USER_SRP_AUTH"},
                                                    .created_at = from_unix(3)}));
      return tx.directory().insert_client(
          {.id = "cli",
           .pool_id = "us-east-1_Two",
           .auth_flows = {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
           .created_at = from_unix(4)});
    }));
  }
  ~DirectoryTest() override { std::filesystem::remove_all(dir_); }

  directory open() { return directory(store_, sealer_, clock_, {.public_url = "http://h:1"}); }

  std::filesystem::path dir_;
  manual_clock clock_;
  store::sqlite_store store_;
  crypto::sealer sealer_;
};

TEST_F(DirectoryTest, ServesEveryPoolWithItsSettingsIssuerAndKeys) {
  auto d = open();
  auto snap = d.current();
  ASSERT_EQ(snap->pools().size(), 2u);
  auto one = snap->pool("us-east-1_One");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->settings.mfa, mfa_mode::required);
  EXPECT_EQ(one->issuer, "http://h:1/us-east-1_One");  // the default: <public URL>/<id>
  EXPECT_EQ(one->url, "http://h:1/us-east-1_One");
  EXPECT_EQ(one->srp_name(), "One");
  auto two = snap->pool("us-east-1_Two");
  EXPECT_EQ(two->issuer, "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Two");
  EXPECT_EQ(two->url, "http://h:1/us-east-1_Two");
  EXPECT_EQ(snap->pool_for_issuer(two->issuer), two);
  EXPECT_EQ(snap->pool_for_issuer("http://h:1/us-east-1_Two"), nullptr);
  EXPECT_FALSE(snap->pool("us-east-1_Three"));
  // Each pool signs with keys of its own.
  EXPECT_FALSE(one->keys->verify(two->keys->sign({{"sub", "x"}})));
}

TEST_F(DirectoryTest, FindsClientsWithTheirPoolAndFlows) {
  auto d = open();
  auto snap = d.current();
  const auto* web = snap->client("web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->pool->id, "us-east-1_One");
  EXPECT_TRUE(web->allows("USER_SRP_AUTH"));
  EXPECT_FALSE(web->allows("USER_PASSWORD_AUTH"));
  EXPECT_FALSE(web->allows("SRP_AUTH"));
  const auto* cli = snap->client("cli");
  EXPECT_TRUE(cli->allows("USER_PASSWORD_AUTH"));
  EXPECT_TRUE(cli->allows("REFRESH_TOKEN_AUTH"));
  EXPECT_EQ(snap->client("nope"), nullptr);
  ASSERT_EQ(snap->clients_of("us-east-1_Two").size(), 1u);
  EXPECT_EQ(snap->clients_of("us-east-1_Two").front()->record.id, "cli");
}

TEST_F(DirectoryTest, ReloadsWhenAnotherNodeChangedSomethingAndOnlyThen) {
  auto d = open();
  auto before = d.current();
  auto same = d.refresh();
  ASSERT_TRUE(same);
  EXPECT_FALSE(*same);
  EXPECT_EQ(d.current(), before);  // nothing changed: the same snapshot

  // Another node (or tool) adds a client and changes a pool's settings.
  ASSERT_TRUE(store_.transact([](store::transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.directory().insert_client({.id = "ios", .pool_id = "us-east-1_Two"}));
    ASSIGN_OR_RETURN(auto found, tx.directory().find_pool("us-east-1_One"));
    auto p = found.value();
    p.settings_json = "{}";
    return tx.directory().update_pool(p);
  }));
  EXPECT_EQ(d.current()->client("ios"), nullptr);  // not before refresh
  auto moved = d.refresh();
  ASSERT_TRUE(moved);
  EXPECT_TRUE(*moved);
  auto after = d.current();
  EXPECT_NE(after->client("ios"), nullptr);
  EXPECT_EQ(after->pool("us-east-1_One")->settings.mfa, mfa_mode::off);
  // Snapshots taken before stay as they were; the keys stay the same objects.
  EXPECT_EQ(before->pool("us-east-1_One")->settings.mfa, mfa_mode::required);
  EXPECT_EQ(after->pool("us-east-1_One")->keys, before->pool("us-east-1_One")->keys);
}

}  // namespace
}  // namespace cognate::pool
