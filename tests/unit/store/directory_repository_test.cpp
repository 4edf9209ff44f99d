// The pools and app clients repository on every engine, and the version that tells nodes to
// reload.
#include "store/store_fixture.h"

namespace cognate::store::testing {
namespace {

class DirectoryRepositoryTest : public store_fixture {
 protected:
  std::int64_t version() {
    auto v = in_read(db(), [](transaction& tx) { return tx.directory().version(); });
    EXPECT_TRUE(v) << v.error().message;
    return v ? *v : -1;
  }
};
STORE_SUITE(DirectoryRepositoryTest);

client_record client(std::string id, std::string pool_id, std::string name, std::int64_t at) {
  return client_record{.id = std::move(id),
                       .pool_id = std::move(pool_id),
                       .name = std::move(name),
                       .created_at = from_unix(at),
                       .updated_at = from_unix(at)};
}

TEST_P(DirectoryRepositoryTest, ListsPoolsAndClientsOldestFirst) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (const auto& c : {client("c-b", "p1", "web", 20), client("c-a", "p1", "ios", 10),
                          client("c-z", "p2", "cli", 5)}) {
      RETURN_IF_ERROR(tx.directory().insert_client(c));
    }
    return {};
  }));
  auto pools = in_read(db(), [](transaction& tx) { return tx.directory().pools(); });
  ASSERT_TRUE(pools);
  ASSERT_EQ(pools->size(), 2u);
  EXPECT_EQ((*pools)[0].id, "p1");
  EXPECT_EQ((*pools)[0].name, "first");
  EXPECT_EQ((*pools)[0].created_at, from_unix(1));
  EXPECT_EQ((*pools)[1].id, "p2");

  auto clients = in_read(db(), [](transaction& tx) { return tx.directory().clients("p1"); });
  ASSERT_TRUE(clients);
  ASSERT_EQ(clients->size(), 2u);
  EXPECT_EQ((*clients)[0].id, "c-a");
  EXPECT_EQ((*clients)[1].id, "c-b");
  auto found = in_read(db(), [](transaction& tx) { return tx.directory().find_client("c-z"); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->pool_id, "p2");
  EXPECT_EQ((*found)->name, "cli");
  EXPECT_EQ((*found)->created_at, from_unix(5));
  auto missing = in_read(db(), [](transaction& tx) { return tx.directory().find_client("nope"); });
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_P(DirectoryRepositoryTest, PoolsRoundTripEveryField) {
  pool_record changed{.id = "p1",
                      .name = "renamed",
                      .settings_json = R"({"mfa":"REQUIRED","subject":"Zoë's \"app\""})",
                      .issuer = "https://cognito-idp.us-east-1.amazonaws.com/p1",
                      .created_at = from_unix(1),
                      .updated_at = from_unix(1'900'000'000)};
  ASSERT_TRUE(commits(db(), [&](transaction& tx) { return tx.directory().update_pool(changed); }));
  auto p = in_read(db(), [](transaction& tx) { return tx.directory().find_pool("p1"); });
  ASSERT_TRUE(p && *p);
  EXPECT_EQ((*p)->name, changed.name);
  EXPECT_EQ((*p)->settings_json, changed.settings_json);
  EXPECT_EQ((*p)->issuer, changed.issuer);
  EXPECT_EQ((*p)->created_at, changed.created_at);
  EXPECT_EQ((*p)->updated_at, changed.updated_at);
  auto none = in_read(db(), [](transaction& tx) { return tx.directory().find_pool("p9"); });
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_P(DirectoryRepositoryTest, ClientsRoundTripEveryField) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) {
    return tx.directory().insert_client(client("c1", "p1", "web", 10));
  }));
  // What a new client gets when the caller says nothing more.
  auto fresh = in_read(db(), [](transaction& tx) { return tx.directory().find_client("c1"); });
  ASSERT_TRUE(fresh && *fresh);
  EXPECT_TRUE((*fresh)->auth_flows.empty());
  EXPECT_EQ((*fresh)->access_token_validity, 3600);
  EXPECT_EQ((*fresh)->refresh_token_validity, 30 * 86400);
  EXPECT_EQ((*fresh)->auth_session_validity, 180);
  EXPECT_TRUE((*fresh)->prevent_user_existence_errors);

  client_record changed{
      .id = "c1",
      .pool_id = "p1",
      .name = "web app",
      .auth_flows = {"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
      .access_token_validity = 300,
      .id_token_validity = 600,
      .refresh_token_validity = 86400,
      .auth_session_validity = 900,
      .read_attributes = {"email", "custom:plan"},
      .write_attributes = {"name"},
      .secret_sealed = "v1.sealed.secret",
      .prevent_user_existence_errors = false,
      .created_at = from_unix(10),
      .updated_at = from_unix(20)};
  ASSERT_TRUE(
      commits(db(), [&](transaction& tx) { return tx.directory().update_client(changed); }));
  auto c = in_read(db(), [](transaction& tx) { return tx.directory().find_client("c1"); });
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->name, changed.name);
  EXPECT_EQ((*c)->auth_flows, changed.auth_flows);
  EXPECT_EQ((*c)->access_token_validity, 300);
  EXPECT_EQ((*c)->id_token_validity, 600);
  EXPECT_EQ((*c)->refresh_token_validity, 86400);
  EXPECT_EQ((*c)->auth_session_validity, 900);
  EXPECT_EQ((*c)->read_attributes, changed.read_attributes);
  EXPECT_EQ((*c)->write_attributes, changed.write_attributes);
  EXPECT_EQ((*c)->secret_sealed, changed.secret_sealed);
  EXPECT_FALSE((*c)->prevent_user_existence_errors);
  EXPECT_EQ((*c)->created_at, from_unix(10));
  EXPECT_EQ((*c)->updated_at, from_unix(20));
}

TEST_P(DirectoryRepositoryTest, EveryChangeRaisesTheVersionAndOnlyAChangeDoes) {
  const auto start = version();
  EXPECT_EQ(version(), start);  // reading does not raise it
  ASSERT_TRUE(commits(db(), [](transaction& tx) {
    return tx.directory().insert_client(client("c1", "p1", "web", 10));
  }));
  const auto after_insert = version();
  EXPECT_GT(after_insert, start);
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto found, tx.directory().find_pool("p2"));
    auto p = found.value();
    p.name = "renamed";
    return tx.directory().update_pool(p);
  }));
  const auto after_update = version();
  EXPECT_GT(after_update, after_insert);
  // Another node sees the same number.
  auto other = open_store();
  auto seen = in_read(*other, [](transaction& tx) { return tx.directory().version(); });
  ASSERT_TRUE(seen);
  EXPECT_EQ(*seen, after_update);
  // A change that rolls back leaves it alone.
  auto failed = db().transact([](transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.directory().insert_client(client("c2", "p1", "x", 11)));
    return failure{errc::invalid_parameter, "changed my mind"};
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(version(), after_update);
}

TEST_P(DirectoryRepositoryTest, DeletingAPoolRemovesEverythingInItAndNothingOfAnother) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (const std::string pool : {"p1", "p2"}) {
      const std::string who = "u-" + pool;
      RETURN_IF_ERROR(tx.directory().insert_client(client("c-" + pool, pool, "web", 1)));
      RETURN_IF_ERROR(tx.users().insert(user(pool, who, who + "@x.com")));
      RETURN_IF_ERROR(tx.factors().put(
          {.pool_id = pool, .user_id = who, .id = "totp", .kind = "totp", .secret_sealed = "s"}));
      auto s = session(pool, "handle-" + pool, 9000);
      s.user_id = who;
      RETURN_IF_ERROR(tx.sessions().insert(s));
      auto t = token("rt-" + pool, who, "jti-" + pool);
      t.pool_id = pool;
      RETURN_IF_ERROR(tx.tokens().insert(t));
      auto m = mail(who + "@x.com", 0);
      m.pool_id = pool;
      m.user_id = who;
      RETURN_IF_ERROR(tx.outbox().enqueue(m));
      RETURN_IF_ERROR(tx.groups().insert({.pool_id = pool, .name = "ops"}));
      RETURN_IF_ERROR(tx.groups().add_member(pool, "ops", who));
      RETURN_IF_ERROR(tx.keys().insert({.kid = "k-" + pool, .pool_id = pool, .private_pem_sealed = "pem"}));
    }
    return {};
  }));
  const auto before = version();
  ASSERT_TRUE(commits(db(), [](transaction& tx) { return tx.directory().delete_pool("p1"); }));
  EXPECT_GT(version(), before) << "other nodes learn of it";
  // Per pool: pool, client, user, factors, session, token, group, member, key; then mail pending.
  auto left = in_transaction(db(), [](transaction& tx) -> result<std::vector<std::string>> {
    std::vector<std::string> out;
    for (const std::string pool : {"p1", "p2"}) {
      const std::string who = "u-" + pool;
      std::string row;
      ASSIGN_OR_RETURN(auto p, tx.directory().find_pool(pool));
      ASSIGN_OR_RETURN(auto c, tx.directory().find_client("c-" + pool));
      ASSIGN_OR_RETURN(auto u, tx.users().find_by_id(pool, who));
      ASSIGN_OR_RETURN(auto f, tx.factors().list(pool, who));
      ASSIGN_OR_RETURN(auto s, tx.sessions().find("handle-" + pool));
      ASSIGN_OR_RETURN(auto t, tx.tokens().find(pool, "rt-" + pool));
      ASSIGN_OR_RETURN(auto g, tx.groups().find(pool, "ops"));
      ASSIGN_OR_RETURN(auto m, tx.groups().members(pool, "ops", "", 10));
      ASSIGN_OR_RETURN(auto k, tx.keys().list(pool));
      for (bool here : {p.has_value(), c.has_value(), u.has_value(), !f.empty(), s.has_value(),
                        t.has_value(), g.has_value(), !m.empty(), !k.empty()}) {
        row += here ? '1' : '0';
      }
      out.push_back(row);
    }
    ASSIGN_OR_RETURN(auto pending, tx.outbox().count_pending());
    out.push_back(std::to_string(pending));
    return out;
  });
  ASSERT_TRUE(left) << left.error().message;
  EXPECT_EQ(*left, (std::vector<std::string>{"000000000", "111111111", "1"}));
}

}  // namespace
}  // namespace cognate::store::testing
