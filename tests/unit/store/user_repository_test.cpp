// The user repository on every engine.
#include "store/store_fixture.h"

#include <atomic>

namespace cognate::store::testing {
namespace {

class UserRepositoryTest : public store_fixture {};
STORE_SUITE(UserRepositoryTest);

TEST_P(UserRepositoryTest, RejectsASecondUserWithTheSameEmailKeyInAPool) {
  ASSERT_TRUE(commits(
      db(), [](transaction& tx) { return tx.users().insert(user("p1", "u1", "a@x.com")); }));
  auto dup =
      db().transact([](transaction& tx) { return tx.users().insert(user("p1", "u2", "a@x.com")); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::username_exists);
  EXPECT_FALSE(find_user("p1", "u2"));
}

TEST_P(UserRepositoryTest, RejectsASecondUserWithTheSameIdInAPool) {
  ASSERT_TRUE(commits(
      db(), [](transaction& tx) { return tx.users().insert(user("p1", "u1", "a@x.com")); }));
  auto dup =
      db().transact([](transaction& tx) { return tx.users().insert(user("p1", "u1", "b@x.com")); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::username_exists);
}

TEST_P(UserRepositoryTest, AllowsTheSameEmailKeyInAnotherPool) {
  ASSERT_TRUE(commits(
      db(), [](transaction& tx) { return tx.users().insert(user("p1", "u1", "a@x.com")); }));
  ASSERT_TRUE(commits(
      db(), [](transaction& tx) { return tx.users().insert(user("p2", "u2", "a@x.com")); }));
  auto in_p2 = in_transaction(
      db(), [](transaction& tx) { return tx.users().find_by_email("p2", "a@x.com"); });
  ASSERT_TRUE(in_p2 && *in_p2);
  EXPECT_EQ((*in_p2)->id, "u2");
  auto in_p1 = in_transaction(
      db(), [](transaction& tx) { return tx.users().find_by_email("p1", "a@x.com"); });
  ASSERT_TRUE(in_p1 && *in_p1);
  EXPECT_EQ((*in_p1)->id, "u1");
}

TEST_P(UserRepositoryTest, ConcurrentSignUpsWithOneEmailCreateOneUser) {
  std::atomic<int> created{0};
  std::atomic<int> taken{0};
  on_threads(8, [&](int i) {
    auto r = db().transact([&](transaction& tx) {
      return tx.users().insert(user("p1", "u" + std::to_string(i), "same@x.com"));
    });
    if (r) {
      ++created;
    } else if (r.error().code == errc::username_exists) {
      ++taken;
    } else {
      ADD_FAILURE() << "unexpected failure: " << r.error().message;
    }
  });
  EXPECT_EQ(created, 1);
  EXPECT_EQ(taken, 7);
}

TEST_P(UserRepositoryTest, UpdateUserRoundTripsEveryField) {
  ASSERT_TRUE(commits(
      db(), [](transaction& tx) { return tx.users().insert(user("p1", "u1", "a@x.com")); }));
  user_record changed;
  changed.pool_id = "p1";
  changed.id = "u1";
  changed.email = "New.Name@X.com";
  changed.email_key = "new.name@x.com";
  changed.status = user_status::reset_required;
  changed.enabled = false;
  changed.pending_email = "Next@Y.org";
  changed.attributes_json = R"({"email":"New.Name@X.com","name":"Zoë \"Z\" O'Neil"})";
  changed.srp_salt_hex = "00ff10";
  changed.srp_verifier_sealed = "v1.sealed.verifier";
  changed.created_at = from_unix(1000);
  changed.updated_at = from_unix(2000);
  changed.failed_sign_ins = 7;
  changed.locked_until = from_unix(1'900'000'000);
  ASSERT_TRUE(commits(db(), [&](transaction& tx) { return tx.users().update(changed); }));

  auto by_id = find_user("p1", "u1");
  ASSERT_TRUE(by_id);
  const auto& u = *by_id;
  EXPECT_EQ(u.pool_id, changed.pool_id);
  EXPECT_EQ(u.id, changed.id);
  EXPECT_EQ(u.email, changed.email);
  EXPECT_EQ(u.email_key, changed.email_key);
  EXPECT_EQ(u.status, changed.status);
  EXPECT_EQ(u.enabled, changed.enabled);
  EXPECT_EQ(u.attributes_json, changed.attributes_json);
  EXPECT_EQ(u.srp_salt_hex, changed.srp_salt_hex);
  EXPECT_EQ(u.srp_verifier_sealed, changed.srp_verifier_sealed);
  EXPECT_EQ(u.created_at, changed.created_at);
  EXPECT_EQ(u.updated_at, changed.updated_at);
  EXPECT_EQ(u.failed_sign_ins, changed.failed_sign_ins);
  EXPECT_EQ(u.locked_until, changed.locked_until);
  EXPECT_EQ(u.pending_email, changed.pending_email);

  auto by_new_key = in_transaction(
      db(), [](transaction& tx) { return tx.users().find_by_email("p1", "new.name@x.com"); });
  ASSERT_TRUE(by_new_key && *by_new_key);
  EXPECT_EQ((*by_new_key)->id, "u1");
  auto by_old_key = in_transaction(
      db(), [](transaction& tx) { return tx.users().find_by_email("p1", "a@x.com"); });
  ASSERT_TRUE(by_old_key);
  EXPECT_FALSE(*by_old_key);
}

TEST_P(UserRepositoryTest, ConcurrentFailedSignInsAreAllCounted) {
  ASSERT_TRUE(commits(
      db(), [](transaction& tx) { return tx.users().insert(user("p1", "u1", "a@x.com")); }));
  on_threads(20, [&](int) {
    auto r = db().transact([](transaction& tx) -> result<void> {
      auto found = tx.users().find_by_id("p1", "u1");
      if (!found) {
        return found.error();
      }
      user_record u = found->value();
      ++u.failed_sign_ins;
      u.locked_until = from_unix(1000 + u.failed_sign_ins);
      return tx.users().update(u);
    });
    EXPECT_TRUE(r) << r.error().message;
  });
  auto u = find_user("p1", "u1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->failed_sign_ins, 20);
  EXPECT_EQ(u->locked_until, from_unix(1020));
}

TEST_P(UserRepositoryTest, AnAccountIsTheUserWithEveryFactorInOneRead) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.users().insert(user("p1", "u1", "a@x.com")));
    RETURN_IF_ERROR(tx.users().insert(user("p1", "u2", "b@x.com")));
    for (const char* id : {"totp", "cred-b", "cred-a"}) {
      RETURN_IF_ERROR(tx.factors().put({.pool_id = "p1",
                                        .user_id = "u1",
                                        .id = id,
                                        .kind = "totp",
                                        .secret_sealed = std::string("s-") + id,
                                        .enabled = true,
                                        .counter = 7}));
    }
    return {};
  }));
  auto with =
      in_read(db(), [](transaction& tx) { return tx.users().account_by_email("p1", "a@x.com"); });
  ASSERT_TRUE(with && *with);
  EXPECT_EQ((*with)->user.id, "u1");
  EXPECT_EQ((*with)->user.email_key, "a@x.com");
  ASSERT_EQ((*with)->factors.size(), 3u);
  EXPECT_EQ((*with)->factors[0].id, "cred-a");
  EXPECT_EQ((*with)->factors[2].id, "totp");
  EXPECT_EQ((*with)->factors[2].secret_sealed, "s-totp");
  EXPECT_EQ((*with)->factors[2].counter, 7);
  EXPECT_TRUE((*with)->factors[2].enabled);
  auto without =
      in_read(db(), [](transaction& tx) { return tx.users().account_by_id("p1", "u2"); });
  ASSERT_TRUE(without && *without);
  EXPECT_EQ((*without)->user.email_key, "b@x.com");
  EXPECT_TRUE((*without)->factors.empty());
  auto none = in_read(db(), [](transaction& tx) { return tx.users().account_by_id("p2", "u1"); });
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_P(UserRepositoryTest, EverythingOfAUserCanBeRemovedAndNothingOfAnother) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (const char* id : {"u1", "u2"}) {
      const std::string who = id;
      RETURN_IF_ERROR(tx.users().insert(user("p1", who, who + "@x.com")));
      RETURN_IF_ERROR(tx.factors().put(
          {.pool_id = "p1", .user_id = who, .id = "totp", .kind = "totp", .secret_sealed = "s"}));

      auto s = session("p1", "handle-" + who, 9000);
      s.user_id = who;
      RETURN_IF_ERROR(tx.sessions().insert(s));
      RETURN_IF_ERROR(tx.tokens().insert(token("rt-" + who, who, "jti-" + who)));
      auto m = mail(who + "@x.com", 0);
      m.pool_id = "p1";
      m.user_id = who;
      RETURN_IF_ERROR(tx.outbox().enqueue(m));
    }
    return {};
  }));
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.outbox().drop_pending("p1", "u1"));
    RETURN_IF_ERROR(tx.factors().remove_user("p1", "u1"));
    RETURN_IF_ERROR(tx.sessions().remove_user("p1", "u1"));
    RETURN_IF_ERROR(tx.tokens().remove_user("p1", "u1"));
    return tx.users().remove("p1", "u1");
  }));
  // What is left, per user: user, factors, session, refresh token; and the mail still pending.
  auto left = in_transaction(db(), [](transaction& tx) -> result<std::vector<int>> {
    std::vector<int> out;
    for (const char* id : {"u1", "u2"}) {
      const std::string who = id;
      ASSIGN_OR_RETURN(auto u, tx.users().find_by_id("p1", who));
      ASSIGN_OR_RETURN(auto f, tx.factors().list("p1", who));
      ASSIGN_OR_RETURN(auto s, tx.sessions().find("handle-" + who));
      ASSIGN_OR_RETURN(auto t, tx.tokens().find("p1", "rt-" + who));
      out.push_back((u ? 1000 : 0) + static_cast<int>(f.size()) * 100 + (s ? 10 : 0) + (t ? 1 : 0));
    }
    ASSIGN_OR_RETURN(auto pending, tx.outbox().count_pending());
    out.push_back(static_cast<int>(pending));
    return out;
  });
  ASSERT_TRUE(left);
  EXPECT_EQ(*left, (std::vector<int>{0, 1111, 1}));
}

}  // namespace
}  // namespace cognate::store::testing
