// The audit repository on every engine.
#include "store/store_fixture.h"

namespace cognate::store::testing {
namespace {

class AuditRepositoryTest : public store_fixture {};
STORE_SUITE(AuditRepositoryTest);

TEST_P(AuditRepositoryTest, ListsAUsersNewestEventsFirst) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.audit().append({"p1", "u1", "sign_up", "{}", from_unix(100)}));
    RETURN_IF_ERROR(tx.audit().append({"p1", "u2", "sign_up", "{}", from_unix(101)}));
    RETURN_IF_ERROR(tx.audit().append({"p1", "u1", "confirm_sign_up", "{}", from_unix(102)}));
    RETURN_IF_ERROR(tx.audit().append({"p2", "u1", "sign_up", "{}", from_unix(103)}));
    return tx.audit().append({"p1", "u1", "lockout", R"({"seconds":30})", from_unix(104)});
  }));
  auto events = in_read(db(), [](transaction& tx) { return tx.audit().of_user("p1", "u1", 0, 2); });
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].event, "lockout");
  EXPECT_EQ((*events)[0].detail, R"({"seconds":30})");
  EXPECT_EQ((*events)[0].at, from_unix(104));
  EXPECT_EQ((*events)[1].event, "confirm_sign_up");
  EXPECT_GT((*events)[0].id, (*events)[1].id);
  auto all = in_read(db(), [](transaction& tx) { return tx.audit().of_user("p1", "u1", 0, 10); });
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 3u);
  // The next page starts after the last event of this one.
  const auto before = (*events)[1].id;
  auto rest = in_read(db(), [&](transaction& tx) { return tx.audit().of_user("p1", "u1", before, 10); });
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].event, "sign_up");
  EXPECT_EQ((*rest)[0].at, from_unix(100));
}

TEST_P(AuditRepositoryTest, AnOpenedEventIsAmendedByALaterTransaction) {
  auto id = in_transaction(db(), [](transaction& tx) {
    return tx.audit().open({"p1", "u1", "sign_in", R"({"response":"Fail"})", from_unix(100)});
  });
  ASSERT_TRUE(id);
  auto other = in_transaction(db(), [](transaction& tx) {
    return tx.audit().open({"p1", "u1", "sign_in", R"({"response":"Fail"})", from_unix(101)});
  });
  ASSERT_TRUE(other);
  EXPECT_GT(*other, *id);
  ASSERT_TRUE(commits(db(), [&](transaction& tx) {
    return tx.audit().amend(*id, R"({"response":"Pass"})");
  }));
  auto events = in_read(db(), [](transaction& tx) { return tx.audit().of_user("p1", "u1", 0, 10); });
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].id, *other);
  EXPECT_EQ((*events)[0].detail, R"({"response":"Fail"})");  // only the one named changed
  EXPECT_EQ((*events)[1].id, *id);
  EXPECT_EQ((*events)[1].detail, R"({"response":"Pass"})");
  EXPECT_EQ((*events)[1].at, from_unix(100));
}

TEST_P(AuditRepositoryTest, OperatorsSearchByPoolUserAndTimeAndOldEventsAreSwept) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.audit().append({"p1", "u1", "sign_up", "{}", from_unix(100)}));
    RETURN_IF_ERROR(tx.audit().append({"p1", "u2", "sign_up", "{}", from_unix(200)}));
    RETURN_IF_ERROR(tx.audit().append({"p2", "u1", "sign_in", "{}", from_unix(300)}));
    return tx.audit().append({"p1", "u1", "sign_in", "{}", from_unix(400)});
  }));
  const auto events = [&](std::string pool, std::string user, std::int64_t since, int limit) {
    auto found = in_read(db(), [&](transaction& tx) {
      return tx.audit().search(pool, user, from_unix(since), limit);
    });
    EXPECT_TRUE(found);
    std::vector<std::string> out;
    for (const auto& e : *found) {
      out.push_back(e.pool_id + "/" + e.user_id + "/" + e.event);
    }
    return out;
  };
  using list = std::vector<std::string>;
  EXPECT_EQ(events("", "", 0, 10),
            (list{"p1/u1/sign_in", "p2/u1/sign_in", "p1/u2/sign_up", "p1/u1/sign_up"}));
  EXPECT_EQ(events("p1", "", 0, 10), (list{"p1/u1/sign_in", "p1/u2/sign_up", "p1/u1/sign_up"}));
  EXPECT_EQ(events("p1", "u1", 0, 10), (list{"p1/u1/sign_in", "p1/u1/sign_up"}));
  EXPECT_EQ(events("", "", 200, 10), (list{"p1/u1/sign_in", "p2/u1/sign_in", "p1/u2/sign_up"}));
  EXPECT_EQ(events("", "", 0, 1), (list{"p1/u1/sign_in"}));

  auto removed = in_transaction(db(), [](transaction& tx) {
    return tx.audit().remove_before(from_unix(300), 1);  // bounded: one of the two old ones
  });
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1);
  removed = in_transaction(
      db(), [](transaction& tx) { return tx.audit().remove_before(from_unix(300), 100); });
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1);
  EXPECT_EQ(events("", "", 0, 10), (list{"p1/u1/sign_in", "p2/u1/sign_in"}));
}

}  // namespace
}  // namespace cognate::store::testing
