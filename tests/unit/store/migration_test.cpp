// Upgrading a database written by an earlier Cognate keeps its data: schema version 2 kept TOTP
// in five columns of `users`; version 3 moves it to `user_factors`. Run on both engines against
// a database built with the shipped version-2 scripts.
#include "store/postgres/migrations.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/store_fixture.h"

#include <fmt/format.h>

namespace cognate::store::testing {
namespace {

class MigrationTest : public store_fixture {
 protected:
  bool starts_migrated() const override { return false; }

  // A version-2 database holding three users: TOTP enabled and preferred, TOTP associated but
  // not verified (last step kept), no TOTP at all.
  void make_version_2_database() {
    const std::string rows = R"sql(
INSERT INTO pools (id, name, created_at) VALUES ('p1', 'first', 1);
INSERT INTO app_clients (id, pool_id, name, created_at) VALUES ('c1', 'p1', 'web', 2);
INSERT INTO users (pool_id, id, email, email_key, status, enabled, attributes, srp_salt,
                   srp_verifier, created_at, updated_at, failed_sign_ins, locked_until,
                   totp_secret, totp_pending, totp_enabled, totp_preferred, totp_last_step)
VALUES ('p1', 'u-totp', 'A@x.com', 'a@x.com', 'CONFIRMED', 1, '{}', 'aa', 'v1.sealed', 10, 20, 2, 0,
        'sealed-secret', '', 1, 1, 56666667),
       ('p1', 'u-pending', 'b@x.com', 'b@x.com', 'CONFIRMED', 1, '{}', 'bb', 'v1.sealed', 10, 30, 0,
        0, '', 'sealed-pending', 0, 0, 123),
       ('p1', 'u-none', 'c@x.com', 'c@x.com', 'UNCONFIRMED', 0, '{}', 'cc', 'v1.sealed', 10, 40, 0,
        0, '', '', 0, 0, 0);
INSERT INTO auth_sessions (pool_id, handle_hash, user_id, client_id, step, state,
                           failed_attempts, expires_at, created_at)
VALUES ('p1', 'h1', 'u-totp', 'c1', 'SOFTWARE_TOKEN_MFA', '{}', 1, 999, 5);
)sql";
    if (current_engine() == engine::sqlite) {
      sqlite::connection c(file());
      const auto scripts = sqlite::migrations();
      ASSERT_TRUE(c.exec(
          fmt::format("BEGIN; {} {} PRAGMA user_version = 2; COMMIT;", scripts[0], scripts[1])));
      ASSERT_TRUE(c.exec(rows));
    } else {
      ASSERT_EQ(pg_store::migrate(url(), 2), 2);
      postgres::connection c(url());
      ASSERT_TRUE(c.exec(rows)) << c.error_message();
    }
  }

  std::unique_ptr<store> upgraded() {
    if (current_engine() == engine::postgres) {
      EXPECT_EQ(pg_store::migrate(url()), pg_store::known_schema_version());
    }
    return open_store();  // SQLite migrates when opened
  }
};
STORE_SUITE(MigrationTest);

TEST_P(MigrationTest, Version3MovesTotpIntoFactorsAndKeepsEverythingElse) {
  make_version_2_database();
  if (HasFatalFailure()) {
    return;
  }
  auto s = upgraded();

  auto totp = in_read(*s, [](transaction& tx) { return tx.factors().list("p1", "u-totp"); });
  ASSERT_TRUE(totp) << totp.error().message;
  ASSERT_EQ(totp->size(), 1u);
  const auto& active = totp->front();
  EXPECT_EQ(active.id, "totp");
  EXPECT_EQ(active.kind, "totp");
  EXPECT_EQ(active.status, factor_status::active);
  EXPECT_EQ(active.secret_sealed, "sealed-secret");  // sealed for "user:u-totp:totp" as before
  EXPECT_TRUE(active.enabled);
  EXPECT_TRUE(active.preferred);
  EXPECT_EQ(active.counter, 56666667);

  auto pending = in_read(*s, [](transaction& tx) { return tx.factors().list("p1", "u-pending"); });
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().id, "totp:pending");
  EXPECT_EQ(pending->front().status, factor_status::pending);
  EXPECT_EQ(pending->front().secret_sealed, "sealed-pending");
  EXPECT_FALSE(pending->front().enabled);
  EXPECT_EQ(pending->front().counter, 123);

  auto none = in_read(*s, [](transaction& tx) { return tx.factors().list("p1", "u-none"); });
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());

  // The users keep every other column.
  auto u = in_read(*s, [](transaction& tx) { return tx.users().find_by_email("p1", "a@x.com"); });
  ASSERT_TRUE(u && *u);
  EXPECT_EQ((*u)->id, "u-totp");
  EXPECT_EQ((*u)->email, "A@x.com");
  EXPECT_EQ((*u)->status, user_status::confirmed);
  EXPECT_EQ((*u)->srp_verifier_sealed, "v1.sealed");
  EXPECT_EQ((*u)->failed_sign_ins, 2);
  EXPECT_EQ((*u)->updated_at, from_unix(20));
  auto disabled =
      in_read(*s, [](transaction& tx) { return tx.users().find_by_id("p1", "u-none"); });
  ASSERT_TRUE(disabled && *disabled);
  EXPECT_FALSE((*disabled)->enabled);

  // The client gets Cognito's defaults, and a Session in flight is still found by its hash.
  auto c = in_read(*s, [](transaction& tx) { return tx.directory().find_client("c1"); });
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->auth_flows,
            (std::vector<std::string>{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}));
  EXPECT_EQ((*c)->access_token_validity, 3600);
  EXPECT_TRUE((*c)->prevent_user_existence_errors);
  auto session = in_read(*s, [](transaction& tx) { return tx.sessions().find("h1"); });
  ASSERT_TRUE(session && *session);
  EXPECT_EQ((*session)->step, "SOFTWARE_TOKEN_MFA");
  EXPECT_EQ((*session)->failed_attempts, 1);
}

}  // namespace
}  // namespace cognate::store::testing
