// Account recovery (pool/recovery.h) and self-service (auth/self_service.h) against a real SQLite
// store with a simulated clock: every transaction also runs twice (rerunning_store.h) where a
// test says so, and the answers must not change.
#include "auth/self_service.h"
#include "pool/recovery.h"

#include "common/reasons.h"
#include "support/pool_harness.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace cognate::auth {
namespace {

using namespace std::chrono_literals;

constexpr const char* password = "Passw0rd!";
constexpr const char* new_password = "N3w-Passw0rd!";

class AccountLifecycleTest : public ::testing::Test, public testing::pool_harness {
 protected:
  AccountLifecycleTest() : pool_harness(settings()) {}

  static pool::pool_settings settings() {
    pool::pool_settings s;
    s.email.verification_subject = "Your code";
    s.email.verification_body = "Code: {####}";
    s.attributes.push_back({.name = "given_name"});
    s.attributes.push_back({.name = "custom:plan", .is_mutable = false, .custom = true});
    return s;
  }

  std::string confirmed_user(const std::string& email) {
    auto r = registration_.sign_up(client(), {email, password, {}});
    EXPECT_TRUE(r) << r.error().message;
    EXPECT_TRUE(registration_.confirm_sign_up(client(), email, last_code()));
    return r->user_sub;
  }
  result<auth_step> sign_in(const std::string& email, const std::string& pw) {
    return auth_.flow.initiate_auth(client(), "USER_PASSWORD_AUTH",
                                    {{"USERNAME", email}, {"PASSWORD", pw}});
  }
  token_set tokens_of(const std::string& email, const std::string& pw = password) {
    auto step = sign_in(email, pw);
    EXPECT_TRUE(step && step->tokens) << (step ? "a challenge" : step.error().message);
    return step && step->tokens ? *step->tokens : token_set{};
  }
  caller who(const std::string& access_token) {
    auto c = auth_.guard.check(snapshot(), access_token);
    EXPECT_TRUE(c) << c.error().message;
    return *c;
  }
  static std::string type_of(const failure& f) { return std::string(exception_name(f.code)); }
  template <class T>
  static std::string outcome(const result<T>& r) {
    return r ? "ok" : type_of(r.error()) + ": " + r.error().message;
  }
  store::user_record user(const std::string& id) {
    auto u = store::in_read(store_, [&](store::transaction& tx) {
      return tx.users().find_by_id(testing::test_pool_id, id);
    });
    EXPECT_TRUE(u && *u);
    return u && *u ? **u : store::user_record{};
  }
  void put_user(const store::user_record& u) {
    ASSERT_TRUE(store_.transact([&](store::transaction& tx) { return tx.users().update(u); }));
  }
  result<pool::code_delivery> forgot(const std::string& name) {
    return recovery_.forgot_password(client(), name);
  }
  result<void> reset(const std::string& name, const std::string& code,
                     const std::string& pw = new_password) {
    return recovery_.confirm_forgot_password(client(), name, code, pw);
  }
};

// ---- ForgotPassword / ConfirmForgotPassword ---------------------------------------------------

TEST_F(AccountLifecycleTest, AResetCodeByEmailSetsANewPasswordAndEndsEveryOtherSignIn) {
  reruns_.rerun = true;
  const auto id = confirmed_user("alice@example.com");
  const auto before = tokens_of("alice@example.com");
  auto sent = forgot("Alice@Example.com");
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sent->destination, "a***@e***");
  EXPECT_EQ(sent->attribute, "email");
  auto mails = take_mail();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to, "alice@example.com");
  EXPECT_EQ(mails[0].subject, "Your code");
  EXPECT_EQ(mails[0].body, "Code: " + mails[0].code);
  ASSERT_TRUE(reset("alice@example.com", mails[0].code)) ;
  EXPECT_EQ(outcome(sign_in("alice@example.com", password)),
            "NotAuthorizedException: Incorrect username or password.");
  EXPECT_TRUE(sign_in("alice@example.com", new_password));
  // The refresh token and access token of the earlier sign-in are revoked.
  EXPECT_EQ(outcome(auth_.tokens.refresh(client(), before.refresh_token, {})),
            "NotAuthorizedException: Refresh Token has been revoked");
  EXPECT_EQ(outcome(auth_.guard.check(snapshot(), before.access_token)),
            "NotAuthorizedException: Access Token has been revoked");
  // The code is spent.
  EXPECT_EQ(outcome(reset("alice@example.com", mails[0].code)),
            "ExpiredCodeException: Invalid code provided, please request a code again.");
  EXPECT_EQ(user(id).status, store::user_status::confirmed);
}

TEST_F(AccountLifecycleTest, OnlyTheNewestCodeCountsAndWrongCodesAreCapped) {
  confirmed_user("bob@example.com");
  ASSERT_TRUE(forgot("bob@example.com"));
  const auto first = last_code();
  ASSERT_TRUE(forgot("bob@example.com"));
  const auto second = last_code();
  ASSERT_NE(first, second);
  EXPECT_EQ(type_of(reset("bob@example.com", first).error()), "ExpiredCodeException");
  const std::string wrong = second == "000000" ? "111111" : "000000";
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(type_of(reset("bob@example.com", wrong).error()), "CodeMismatchException") << i;
  }
  // Past the cap the right code is dead too.
  EXPECT_EQ(type_of(reset("bob@example.com", second).error()), "ExpiredCodeException");
}

TEST_F(AccountLifecycleTest, ACodeExpiresAfterAnHour) {
  confirmed_user("carol@example.com");
  ASSERT_TRUE(forgot("carol@example.com"));
  const auto code = last_code();
  clock_.advance(1h + 1s);
  EXPECT_EQ(type_of(reset("carol@example.com", code).error()), "ExpiredCodeException");
}

TEST_F(AccountLifecycleTest, ACodeForOnePurposeIsNeverTakenForAnother) {
  auto r = registration_.sign_up(client(), {"dave@example.com", password, {}});
  ASSERT_TRUE(r);
  const auto signup_code = last_code();
  ASSERT_TRUE(registration_.confirm_sign_up(client(), "dave@example.com", signup_code));
  ASSERT_TRUE(forgot("dave@example.com"));
  const auto reset_code = last_code();
  // The sign-up code (if it were still around) and a verification code do not reset.
  if (signup_code != reset_code) {
    EXPECT_EQ(type_of(reset("dave@example.com", signup_code).error()), "CodeMismatchException");
  }
  auto tokens = tokens_of("dave@example.com");
  ASSERT_TRUE(auth_.account.send_verification_code(who(tokens.access_token), "email"));
  const auto verify_code = last_code();
  if (verify_code != reset_code) {
    EXPECT_EQ(type_of(reset("dave@example.com", verify_code).error()), "CodeMismatchException");
  }
  // …nor does the reset code verify the email.
  if (verify_code != reset_code) {
    EXPECT_EQ(type_of(auth_.account.verify_attribute(who(tokens.access_token), "email", reset_code)
                          .error()),
              "CodeMismatchException");
  }
  EXPECT_TRUE(reset("dave@example.com", reset_code));
}

TEST_F(AccountLifecycleTest, UnknownNamesAnswerLikeKnownUsersThroughAWholeSequence) {
  confirmed_user("erin@example.com");
  take_mail();
  // The same sequence for a known and an unknown name: six requests (the budget is five an
  // hour), then six wrong confirmations (the cap is five).
  auto sequence = [&](const std::string& name) {
    std::vector<std::string> answers;
    for (int i = 0; i < 6; ++i) {
      auto r = forgot(name);
      answers.push_back(r ? "ok " + r->destination : outcome(r));
    }
    for (int i = 0; i < 6; ++i) {
      answers.push_back(outcome(reset(name, "999999")));
    }
    return answers;
  };
  const auto known = sequence("Erin@Example.com");
  const auto mails = take_mail();
  const auto unknown = sequence("Nobody@Example.com");
  EXPECT_EQ(take_mail().size(), 0u);  // nothing is sent for an unknown name
  EXPECT_EQ(mails.size(), 5u);
  ASSERT_EQ(known.size(), unknown.size());
  for (std::size_t i = 0; i < known.size(); ++i) {
    auto expected = known[i];
    if (expected.starts_with("ok ")) {
      expected = "ok n***@e***";
    }
    EXPECT_EQ(unknown[i], expected) << "answer " << i;
  }
  EXPECT_EQ(known[5], "LimitExceededException: Attempt limit exceeded, please try after some time.");
  // A name that never asked for a code answers like a user without one.
  EXPECT_EQ(outcome(reset("never@example.com", "123456")),
            "ExpiredCodeException: Invalid code provided, please request a code again.");
  // The budget comes back after an hour.
  clock_.advance(61min);
  EXPECT_TRUE(forgot("Erin@Example.com"));
  EXPECT_TRUE(forgot("Nobody@Example.com"));
}

TEST_F(AccountLifecycleTest, DisabledAndUnconfirmedUsersGetTheUnknownAnswerAndNoMail) {
  const auto id = confirmed_user("frank@example.com");
  auto u = user(id);
  u.enabled = false;
  put_user(u);
  ASSERT_TRUE(registration_.sign_up(client(), {"grace@example.com", password, {}}));
  take_mail();
  EXPECT_TRUE(forgot("frank@example.com"));
  EXPECT_TRUE(forgot("grace@example.com"));
  EXPECT_EQ(take_mail().size(), 0u);
  // With PreventUserExistenceErrors off, Cognito's LEGACY errors.
  change_client([](store::client_record& c) { c.prevent_user_existence_errors = false; });
  EXPECT_EQ(outcome(forgot("frank@example.com")), "NotAuthorizedException: User is disabled.");
  EXPECT_EQ(outcome(forgot("grace@example.com")),
            "InvalidParameterException: Cannot reset password for the user as there is no "
            "registered/verified email or phone_number");
  EXPECT_EQ(outcome(forgot("nobody@example.com")),
            "UserNotFoundException: Username/client id combination not found.");
}

TEST_F(AccountLifecycleTest, APoolWithoutAccountRecoveryRefusesEveryReset) {
  confirmed_user("nora@example.com");
  auto s = settings();
  s.account_recovery = "NONE";
  set_settings(s);
  const auto refused = "InvalidParameterException: Cannot reset password for the user as there is "
                       "no registered/verified email or phone_number";
  EXPECT_EQ(outcome(forgot("nora@example.com")), refused);
  EXPECT_EQ(outcome(forgot("nobody@example.com")), refused);
  EXPECT_TRUE(take_mail().empty());
}


TEST_F(AccountLifecycleTest, AResetRequiredUserIsSentToResetAndTheResetClearsTheLockout) {
  const auto id = confirmed_user("heidi@example.com");
  for (int i = 0; i < 5; ++i) {
    (void)sign_in("heidi@example.com", "Wr0ng-Passw0rd!");
  }
  EXPECT_EQ(outcome(sign_in("heidi@example.com", password)),
            "NotAuthorizedException: Password attempts exceeded");
  auto u = user(id);
  u.status = store::user_status::reset_required;
  put_user(u);
  clock_.advance(1h);
  EXPECT_EQ(outcome(sign_in("heidi@example.com", password)),
            "PasswordResetRequiredException: Password reset required for the user");
  ASSERT_TRUE(forgot("heidi@example.com"));
  ASSERT_TRUE(reset("heidi@example.com", last_code()));
  EXPECT_EQ(user(id).failed_sign_ins, 0);
  EXPECT_TRUE(sign_in("heidi@example.com", new_password));
}

TEST_F(AccountLifecycleTest, APasswordOutsideThePolicyIsRefusedBeforeTheCodeIsSpent) {
  confirmed_user("ivan@example.com");
  ASSERT_TRUE(forgot("ivan@example.com"));
  const auto code = last_code();
  EXPECT_EQ(outcome(reset("ivan@example.com", code, "short")),
            "InvalidPasswordException: Password did not conform with policy: Password not long "
            "enough");
  EXPECT_TRUE(reset("ivan@example.com", code));
}

TEST_F(AccountLifecycleTest, TheSameCodeSentTwiceAtOnceResetsOnce) {
  confirmed_user("judy@example.com");
  ASSERT_TRUE(forgot("judy@example.com"));
  const auto code = last_code();
  const auto client_entry = &client();
  auto attempt = [&](std::string pw) {
    return recovery_.confirm_forgot_password(*client_entry, "judy@example.com", code, pw);
  };
  auto a = std::async(std::launch::async, attempt, std::string("Fir5t-Passw0rd!"));
  auto b = std::async(std::launch::async, attempt, std::string("Sec0nd-Passw0rd!"));
  const auto ra = a.get();
  const auto rb = b.get();
  EXPECT_EQ(static_cast<int>(ra.has_value()) + static_cast<int>(rb.has_value()), 1);
  const auto& lost = ra ? rb : ra;
  EXPECT_EQ(type_of(lost.error()), "ExpiredCodeException");
  EXPECT_TRUE(sign_in("judy@example.com", ra ? "Fir5t-Passw0rd!" : "Sec0nd-Passw0rd!"));
}

// ---- ChangePassword ------------------------------------------------------------------------------

TEST_F(AccountLifecycleTest, ChangePasswordNeedsThePreviousOneAndCountsWrongOnesTowardLockout) {
  reruns_.rerun = true;
  confirmed_user("kim@example.com");
  const auto tokens = tokens_of("kim@example.com");
  const auto me = who(tokens.access_token);
  EXPECT_EQ(outcome(auth_.account.change_password(me, password, "weak")),
            "InvalidPasswordException: Password did not conform with policy: Password not long "
            "enough");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(outcome(auth_.account.change_password(me, "Wr0ng-Passw0rd!", new_password)),
              "NotAuthorizedException: Incorrect username or password.");
  }
  // The fifth wrong guess (one at sign-in) locks, whatever comes next.
  EXPECT_EQ(outcome(sign_in("kim@example.com", "Wr0ng-Passw0rd!")),
            "NotAuthorizedException: Incorrect username or password.");
  EXPECT_EQ(outcome(auth_.account.change_password(me, password, new_password)),
            "NotAuthorizedException: Password attempts exceeded");
  clock_.advance(1min);
  ASSERT_TRUE(auth_.account.change_password(me, password, new_password));
  EXPECT_TRUE(sign_in("kim@example.com", new_password));
  EXPECT_EQ(outcome(sign_in("kim@example.com", password)),
            "NotAuthorizedException: Incorrect username or password.");
  // Tokens stay valid, as in Cognito.
  EXPECT_TRUE(auth_.guard.check(snapshot(), tokens.access_token));
}

// ---- attributes ---------------------------------------------------------------------------------

TEST_F(AccountLifecycleTest, ANewEmailWaitsForItsCodeWhileTheOldOneStaysTheSignInName) {
  reruns_.rerun = true;
  const auto id = confirmed_user("leo@example.com");
  const auto tokens = tokens_of("leo@example.com");
  auto pending = auth_.account.update_attributes(
      who(tokens.access_token), {{"email", "Leo.New@Example.org"}, {"given_name", "Leo"}});
  ASSERT_TRUE(pending) << pending.error().message;
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].destination, "l***@e***");
  auto mails = take_mail();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to, "Leo.New@Example.org");
  // Until verified: the old address signs in and is the (verified) email; given_name applied.
  auto u = user(id);
  auto attrs = pool::attributes_from_json(u.attributes_json);
  EXPECT_EQ(attrs["email"], "leo@example.com");
  EXPECT_EQ(attrs["email_verified"], "true");
  EXPECT_EQ(attrs["given_name"], "Leo");
  EXPECT_EQ(u.pending_email, "Leo.New@Example.org");
  EXPECT_TRUE(sign_in("leo@example.com", password));
  EXPECT_FALSE(sign_in("leo.new@example.org", password));
  // A wrong code, then the right one swaps the address in.
  EXPECT_EQ(outcome(auth_.account.verify_attribute(who(tokens.access_token), "email", "000000x")),
            "CodeMismatchException: Invalid verification code provided, please try again.");
  ASSERT_TRUE(auth_.account.verify_attribute(who(tokens.access_token), "email", mails[0].code));
  u = user(id);
  attrs = pool::attributes_from_json(u.attributes_json);
  EXPECT_EQ(attrs["email"], "Leo.New@Example.org");
  EXPECT_EQ(attrs["email_verified"], "true");
  EXPECT_EQ(u.pending_email, "");
  EXPECT_TRUE(sign_in("leo.new@example.org", password));
  EXPECT_FALSE(sign_in("leo@example.com", password));
}

TEST_F(AccountLifecycleTest, AnAddressTakenMeanwhileIsRefusedAtVerification) {
  confirmed_user("mia@example.com");
  const auto tokens = tokens_of("mia@example.com");
  ASSERT_TRUE(auth_.account.update_attributes(who(tokens.access_token),
                                              {{"email", "nick@example.com"}}));
  const auto code = last_code();
  confirmed_user("nick@example.com");
  EXPECT_EQ(outcome(auth_.account.verify_attribute(who(tokens.access_token), "email", code)),
            "AliasExistsException: An account with the given email already exists.");
  EXPECT_TRUE(sign_in("mia@example.com", password));
}

TEST_F(AccountLifecycleTest, TheCodeGoesToThePendingAddressAndANewerChangeNeedsANewerCode) {
  confirmed_user("olga@example.com");
  const auto tokens = tokens_of("olga@example.com");
  ASSERT_TRUE(auth_.account.update_attributes(who(tokens.access_token),
                                              {{"email", "olga1@example.com"}}));
  const auto first = last_code();
  auto resent = auth_.account.send_verification_code(who(tokens.access_token), "email");
  ASSERT_TRUE(resent);
  auto mails = take_mail();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to, "olga1@example.com");
  ASSERT_TRUE(auth_.account.update_attributes(who(tokens.access_token),
                                              {{"email", "olga2@example.com"}}));
  const auto latest = last_code();
  if (mails[0].code != latest) {
    EXPECT_FALSE(auth_.account.verify_attribute(who(tokens.access_token), "email", mails[0].code));
  }
  (void)first;
  ASSERT_TRUE(auth_.account.verify_attribute(who(tokens.access_token), "email", latest));
  EXPECT_TRUE(sign_in("olga2@example.com", password));
  EXPECT_EQ(outcome(auth_.account.send_verification_code(who(tokens.access_token), "phone_number")),
            "InvalidParameterException: Attribute phone_number cannot be verified: this user "
            "pool verifies email only.");
}

TEST_F(AccountLifecycleTest, UnknownImmutableAndServerOnlyAttributesAreRefused) {
  confirmed_user("pat@example.com");
  const auto me = who(tokens_of("pat@example.com").access_token);
  EXPECT_EQ(outcome(auth_.account.update_attributes(me, {{"custom:nope", "x"}})),
            "InvalidParameterException: Attributes did not conform to the schema: custom:nope: "
            "Attribute does not exist in the schema.");
  EXPECT_EQ(outcome(auth_.account.update_attributes(me, {{"custom:plan", "gold"}})),
            "InvalidParameterException: user.custom:plan: Attribute cannot be updated.");
  EXPECT_EQ(type_of(auth_.account.update_attributes(me, {{"email_verified", "true"}}).error()),
            "NotAuthorizedException");
  EXPECT_EQ(type_of(auth_.account.update_attributes(me, {{"email", "not-an-email"}}).error()),
            "InvalidParameterException");
  EXPECT_EQ(type_of(auth_.account.delete_attributes(me, {"email"}).error()),
            "InvalidParameterException");
  // Setting and deleting an ordinary attribute.
  ASSERT_TRUE(auth_.account.update_attributes(me, {{"given_name", "Pat"}}));
  ASSERT_TRUE(auth_.account.delete_attributes(me, {"given_name"}));
  EXPECT_FALSE(pool::attributes_from_json(user(me.user.id).attributes_json).contains("given_name"));
  // Setting the email to the current one sends nothing and leaves nothing pending.
  take_mail();
  auto same = auth_.account.update_attributes(me, {{"email", "PAT@example.com"}});
  ASSERT_TRUE(same);
  EXPECT_TRUE(same->empty());
  EXPECT_TRUE(take_mail().empty());
}

// ---- DeleteUser ---------------------------------------------------------------------------------

TEST_F(AccountLifecycleTest, DeleteUserRemovesEverythingAndTheEmailCanSignUpAgain) {
  reruns_.rerun = true;
  const auto id = confirmed_user("quinn@example.com");
  const auto tokens = tokens_of("quinn@example.com");
  // Something of each kind: a pending code and its unsent mail, a challenge Session.
  ASSERT_TRUE(forgot("quinn@example.com"));
  ASSERT_TRUE(auth_.flow.initiate_auth(client(), "USER_SRP_AUTH",
                                       {{"USERNAME", "quinn@example.com"}, {"SRP_A", "0a"}}));

  ASSERT_TRUE(auth_.account.delete_user(who(tokens.access_token)));
  EXPECT_EQ(outcome(auth_.guard.check(snapshot(), tokens.access_token)),
            "NotAuthorizedException: User does not exist.");
  EXPECT_EQ(outcome(auth_.tokens.refresh(client(), tokens.refresh_token, {})),
            "NotAuthorizedException: Invalid Refresh Token");
  EXPECT_TRUE(take_mail().empty());  // the reset mail was dropped before it went out
  auto leftovers = store::in_read(store_, [&](store::transaction& tx) -> result<int> {
    int n = 0;
    ASSIGN_OR_RETURN(auto u, tx.users().find_by_id(testing::test_pool_id, id));
    ASSIGN_OR_RETURN(auto c, tx.codes().find(testing::test_pool_id, id, "reset"));
    ASSIGN_OR_RETURN(auto f, tx.factors().list(testing::test_pool_id, id));
    n += u ? 1 : 0;
    n += c ? 1 : 0;
    n += static_cast<int>(f.size());
    return n;
  });
  ASSERT_TRUE(leftovers);
  EXPECT_EQ(*leftovers, 0);
  auto again = registration_.sign_up(client(), {"quinn@example.com", password, {}});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_NE(again->user_sub, id);
}

}  // namespace
}  // namespace cognate::auth
