// The group repository on every engine.
#include "store/store_fixture.h"

namespace cognate::store::testing {
namespace {

class GroupRepositoryTest : public store_fixture {};
STORE_SUITE(GroupRepositoryTest);

TEST_P(GroupRepositoryTest, GroupsAreUniqueIgnoringCaseAndKeepTheirMembers) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.users().insert(user("p1", "u1", "a@x.com")));
    RETURN_IF_ERROR(tx.users().insert(user("p1", "u2", "b@x.com")));
    RETURN_IF_ERROR(tx.groups().insert({.pool_id = "p1",
                                        .name = "admins",
                                        .description = "the admins",
                                        .precedence = 1,
                                        .role_arn = "arn:aws:iam::1:role/admin",
                                        .created_at = from_unix(10),
                                        .updated_at = from_unix(10)}));
    RETURN_IF_ERROR(tx.groups().insert({.pool_id = "p1", .name = "Readers", .created_at = from_unix(11)}));
    // The same name in another pool is another group.
    return tx.groups().insert({.pool_id = "p2", .name = "admins", .created_at = from_unix(12)});
  }));
  auto again = in_transaction(db(), [](transaction& tx) -> result<void> {
    return tx.groups().insert({.pool_id = "p1", .name = "Admins"});
  });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, errc::group_exists);

  auto found = in_transaction(db(), [](transaction& tx) { return tx.groups().find("p1", "ADMINS"); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->name, "admins");
  EXPECT_EQ((*found)->description, "the admins");
  EXPECT_EQ((*found)->precedence, 1);
  EXPECT_EQ((*found)->role_arn, "arn:aws:iam::1:role/admin");
  auto readers = in_transaction(db(), [](transaction& tx) { return tx.groups().find("p1", "readers"); });
  ASSERT_TRUE(readers && *readers);
  EXPECT_FALSE((*readers)->precedence);

  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.groups().add_member("p1", "admins", "u1"));
    RETURN_IF_ERROR(tx.groups().add_member("p1", "Admins", "u1"));  // once only
    RETURN_IF_ERROR(tx.groups().add_member("p1", "admins", "u2"));
    return tx.groups().add_member("p1", "readers", "u1");
  }));
  auto members = in_transaction(db(), [](transaction& tx) { return tx.groups().members("p1", "admins", "", 10); });
  ASSERT_TRUE(members);
  EXPECT_EQ(*members, (std::vector<std::string>{"u1", "u2"}));
  auto page = in_transaction(db(), [](transaction& tx) { return tx.groups().members("p1", "admins", "u1", 10); });
  ASSERT_TRUE(page);
  EXPECT_EQ(*page, (std::vector<std::string>{"u2"}));
  auto of_u1 = in_transaction(db(), [](transaction& tx) { return tx.groups().groups_of("p1", "u1"); });
  ASSERT_TRUE(of_u1);
  ASSERT_EQ(of_u1->size(), 2u);
  EXPECT_EQ((*of_u1)[0].name, "admins");
  EXPECT_EQ((*of_u1)[1].name, "Readers");

  auto listed = in_transaction(db(), [](transaction& tx) { return tx.groups().list("p1", "", 1); });
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  auto rest = in_transaction(db(), [&](transaction& tx) { return tx.groups().list("p1", (*listed)[0].name, 10); });
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].name, "Readers");

  // Removing a member, a user's memberships, and a group with its memberships.
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.groups().remove_member("p1", "admins", "u2"));
    RETURN_IF_ERROR(tx.groups().remove_user("p1", "u1"));
    return tx.groups().remove("p1", "readers");
  }));
  auto left = in_transaction(db(), [](transaction& tx) -> result<std::size_t> {
    ASSIGN_OR_RETURN(auto a, tx.groups().members("p1", "admins", "", 10));
    ASSIGN_OR_RETURN(auto r, tx.groups().find("p1", "readers"));
    ASSIGN_OR_RETURN(auto other, tx.groups().find("p2", "admins"));
    return a.size() * 100 + (r ? 10 : 0) + (other ? 1 : 0);
  });
  ASSERT_TRUE(left);
  EXPECT_EQ(*left, 1u);
}

}  // namespace
}  // namespace cognate::store::testing
