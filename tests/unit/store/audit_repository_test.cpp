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
  auto events = in_read(db(), [](transaction& tx) { return tx.audit().recent("p1", "u1", 2); });
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].event, "lockout");
  EXPECT_EQ((*events)[0].detail, R"({"seconds":30})");
  EXPECT_EQ((*events)[0].at, from_unix(104));
  EXPECT_EQ((*events)[1].event, "confirm_sign_up");
  auto all = in_read(db(), [](transaction& tx) { return tx.audit().recent("p1", "u1", 10); });
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 3u);
}

}  // namespace
}  // namespace cognate::store::testing
