// The operator's services against a real SQLite store: ListUsers' filter grammar and page
// tokens, AdminCreateUser's temporary password, groups in token order, and app-client
// validation.
#include "auth/client_admin.h"
#include "auth/group_admin.h"
#include "auth/user_admin.h"

#include "common/reasons.h"
#include "pool/password_check.h"
#include "support/pool_harness.h"

#include <gtest/gtest.h>

#include <set>

namespace cognate::auth {
namespace {

class AdminServicesTest : public ::testing::Test, public testing::pool_harness {
 protected:
  std::string confirmed(const std::string& email) {
    auto r = registration_.sign_up(client(), {email, "Passw0rd!", {}});
    EXPECT_TRUE(r) << r.error().message;
    EXPECT_TRUE(registration_.confirm_sign_up(client(), email, last_code()));
    return r->user_sub;
  }
  static std::string type_of(const failure& f) { return std::string(exception_name(f.code)); }
};

TEST_F(AdminServicesTest, ListUsersFiltersAndPagesWithoutRepeats) {
  for (int i = 0; i < 7; ++i) {
    confirmed("user" + std::to_string(i) + "@example.com");
  }
  ASSERT_TRUE(registration_.sign_up(client(), {"other@example.com", "Passw0rd!", {}}));
  // Three at a time: every user once, and the last page has no token.
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = auth_.admin.list(pool(), "", 3, token);
    ASSERT_TRUE(page) << page.error().message;
    for (const auto& u : page->users) {
      EXPECT_TRUE(seen.insert(u.profile.username).second) << "twice: " << u.profile.username;
    }
    token = page->next_token;
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_EQ(pages, 3);

  auto prefix = auth_.admin.list(pool(), "email ^= \"user\"", 60, "");
  ASSERT_TRUE(prefix);
  EXPECT_EQ(prefix->users.size(), 7u);
  auto exact = auth_.admin.list(pool(), "email = \"user3@example.com\"", 60, "");
  ASSERT_TRUE(exact);
  ASSERT_EQ(exact->users.size(), 1u);
  auto unconfirmed = auth_.admin.list(pool(), "cognito:user_status = \"UNCONFIRMED\"", 60, "");
  ASSERT_TRUE(unconfirmed);
  ASSERT_EQ(unconfirmed->users.size(), 1u);
  EXPECT_EQ(unconfirmed->users[0].profile.attributes.at("email"), "other@example.com");
  auto enabled = auth_.admin.list(pool(), "status = \"Enabled\"", 60, "");
  ASSERT_TRUE(enabled);
  EXPECT_EQ(enabled->users.size(), 8u);

  for (const char* bad : {"email", "email ~ \"x\"", "email = x", "custom:plan = \"x\"", "= \"x\""}) {
    auto r = auth_.admin.list(pool(), bad, 60, "");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(type_of(r.error()), "InvalidParameterException") << bad;
  }
  // A token is bound to its pool and filter; a garbled one is refused.
  auto first = auth_.admin.list(pool(), "", 3, "");
  ASSERT_TRUE(first && !first->next_token.empty());
  EXPECT_FALSE(auth_.admin.list(pool(), "email ^= \"user\"", 3, first->next_token));
  EXPECT_FALSE(auth_.admin.list(pool(), "", 3, "not-a-token!"));
}

TEST_F(AdminServicesTest, AnInvitedUserGetsATemporaryPasswordThePolicyAcceptsByEmail) {
  auto created = auth_.admin.create_user(pool(), {.username = "invited@example.com"}, "ops");
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->status, "FORCE_CHANGE_PASSWORD");
  auto mails = take_mail();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to, "invited@example.com");
  EXPECT_EQ(mails[0].subject, "Your temporary password");
  const auto& temporary = mails[0].code;
  EXPECT_EQ(temporary.size(), 14u);
  EXPECT_TRUE(pool::check_password(pool().settings.password, temporary));
  EXPECT_EQ(mails[0].body, "Your username is invited@example.com and temporary password is " +
                               temporary + ".");
  auto again = auth_.admin.create_user(pool(), {.username = "Invited@example.com"}, "ops");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "User account already exists");
  auto sms = auth_.admin.create_user(
      pool(), {.username = "texted@example.com", .delivery_mediums = {"SMS"}}, "ops");
  ASSERT_FALSE(sms);
  EXPECT_EQ(type_of(sms.error()), "InvalidParameterException");
  auto resend_confirmed = auth_.admin.create_user(
      pool(), {.username = confirmed("done@example.com"), .message_action = "RESEND"}, "ops");
  ASSERT_FALSE(resend_confirmed);
  EXPECT_EQ(type_of(resend_confirmed.error()), "UnsupportedUserStateException");
}

TEST_F(AdminServicesTest, GroupsComeInPrecedenceOrderAndFollowChanges) {
  const auto id = confirmed("member@example.com");
  const auto& groups = auth_.groups;
  ASSERT_TRUE(groups.create(pool(), {.name = "zeta", .precedence = 1}, "ops"));
  ASSERT_TRUE(groups.create(pool(), {.name = "alpha", .precedence = 5}, "ops"));
  ASSERT_TRUE(groups.create(pool(), {.name = "none"}, "ops"));
  for (const char* g : {"none", "alpha", "zeta"}) {
    ASSERT_TRUE(groups.add_user(pool(), "member@example.com", g, "ops"));
  }
  auto user_groups = [&] {
    auto u = store::in_read(store_, [&](store::transaction& tx) {
      return tx.users().find_by_id(testing::test_pool_id, id);
    });
    return u && *u ? (*u)->groups : std::vector<std::string>{};
  };
  EXPECT_EQ(user_groups(), (std::vector<std::string>{"zeta", "alpha", "none"}));
  ASSERT_TRUE(groups.update(pool(), "alpha", std::nullopt, 0, std::nullopt, "ops"));
  EXPECT_EQ(user_groups(), (std::vector<std::string>{"alpha", "zeta", "none"}));
  ASSERT_TRUE(groups.remove(pool(), "zeta", "ops"));
  EXPECT_EQ(user_groups(), (std::vector<std::string>{"alpha", "none"}));
  // One group a page: each once, whatever the case of its name.
  ASSERT_TRUE(groups.create(pool(), {.name = "Beta"}, "ops"));
  ASSERT_TRUE(groups.add_user(pool(), "member@example.com", "Beta", "ops"));
  std::vector<std::string> paged;
  std::string token;
  do {
    auto page = groups.groups_of(pool(), "member@example.com", 1, token);
    ASSERT_TRUE(page) << page.error().message;
    for (const auto& g : page->groups) {
      paged.push_back(g.name);
    }
    token = page->next_token;
    ASSERT_LT(paged.size(), 10u);
  } while (!token.empty());
  EXPECT_EQ(paged, (std::vector<std::string>{"alpha", "Beta", "none"}));
  auto exists = groups.create(pool(), {.name = "ALPHA"}, "ops");
  ASSERT_FALSE(exists);
  EXPECT_EQ(type_of(exists.error()), "GroupExistsException");
  auto missing = groups.add_user(pool(), "member@example.com", "nobody", "ops");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "Group not found.");
}

TEST_F(AdminServicesTest, ClientsAreValidatedAndLiveBesideTheProvisionedOne) {
  client_admin clients(reruns_, directory_, sealer_, clock_);
  auto bad_flow = clients.create(pool(), {.auth_flows = std::vector<std::string>{"USER_PASSWORD_AUTH"}}, "ops");
  ASSERT_FALSE(bad_flow);
  EXPECT_EQ(type_of(bad_flow.error()), "InvalidParameterException");
  auto too_short = clients.create(pool(), {.access_token_validity = 60}, "ops");
  ASSERT_FALSE(too_short);
  auto made = clients.create(pool(),
                             {.name = std::string("backend"),
                              .auth_flows = std::vector<std::string>{"ALLOW_USER_PASSWORD_AUTH"},
                              .access_token_validity = 900},
                             "ops");
  ASSERT_TRUE(made) << made.error().message;
  // This node sees it at once.
  const auto* entry = snapshot().client(made->id);
  ASSERT_NE(entry, nullptr);
  EXPECT_TRUE(entry->allows("USER_PASSWORD_AUTH"));
  EXPECT_FALSE(entry->allows("USER_SRP_AUTH"));
  auto listed = clients.list(pool(), 1, "");
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->clients.size(), 1u);
  EXPECT_FALSE(listed->next_token.empty());
  ASSERT_TRUE(clients.remove(pool(), made->id, "ops"));
  EXPECT_EQ(snapshot().client(made->id), nullptr);
  auto gone = clients.describe(pool(), made->id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(type_of(gone.error()), "ResourceNotFoundException");
}

}  // namespace
}  // namespace cognate::auth
