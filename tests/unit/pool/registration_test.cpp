// Sign-up and confirmation against a real SQLite store, with a simulated clock.
#include "pool/registration.h"

#include "common/random.h"
#include "mail/outbox.h"
#include "store/sqlite/sqlite_store.h"
#include "support/pool_harness.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cognate::pool {
namespace {

using namespace std::chrono_literals;

class RegistrationTest : public ::testing::Test, public testing::pool_harness {
 protected:
  RegistrationTest() : pool_harness(seed_settings()) {}

  static pool_settings seed_settings() {
    pool_settings s;
    s.email.verification_subject = "Welcome to Our Workshop App";
    s.email.verification_body = "Use this code: {####}";
    return s;
  }

  result<sign_up_result> sign_up(const std::string& email, const std::string& password = "Passw0rd!") {
    return registration_.sign_up(client(), {email, password, {{"email", email}}});
  }
  result<void> confirm(const std::string& user, const std::string& code) {
    return registration_.confirm_sign_up(client(), user, code);
  }
  result<code_delivery> resend(const std::string& user) {
    return registration_.resend_confirmation_code(client(), user);
  }

  errc confirm_error(const std::string& user, const std::string& code) {
    auto r = confirm(user, code);
    return r ? errc::internal : r.error().code;
  }
};

TEST_F(RegistrationTest, SignUpQueuesTheConfiguredEmailWithASixDigitCode) {
  auto r = sign_up("Alice@Example.com");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->user_confirmed);
  EXPECT_EQ(r->user_sub.size(), 36u);
  EXPECT_EQ(r->delivery.destination, "a***@e***");  // from the case-folded address
  EXPECT_EQ(mail_wakeups_, 1);
  auto mails = take_mail();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to, "Alice@Example.com");
  EXPECT_EQ(mails[0].subject, "Welcome to Our Workshop App");
  EXPECT_EQ(mails[0].code.size(), 6u);
  EXPECT_EQ(mails[0].body, "Use this code: " + mails[0].code);
}

TEST_F(RegistrationTest, ConfirmWithTheCodeConfirmsAndVerifiesTheEmail) {
  auto r = sign_up("alice@example.com");
  auto code = last_code();
  ASSERT_TRUE(confirm("ALICE@example.com", code));
  EXPECT_EQ(confirm_error("alice@example.com", code), errc::not_authorized);
  auto user = store::in_transaction(store_, [&](store::transaction& tx) {
    return tx.users().find_by_id("us-east-1_TestPool1", r->user_sub);
  });
  ASSERT_TRUE(user && *user);
  EXPECT_EQ((*user)->status, store::user_status::confirmed);
  auto attributes = boost::json::parse((*user)->attributes_json).as_object();
  EXPECT_EQ(attributes.at("email_verified").as_string(), "true");
}

TEST_F(RegistrationTest, ConfirmAcceptsTheUuidUserName) {
  auto r = sign_up("alice@example.com");
  ASSERT_TRUE(confirm(r->user_sub, last_code()));
}

TEST_F(RegistrationTest, EmailIsUniqueCaseInsensitivelyEvenWhileUnconfirmed) {
  ASSERT_TRUE(sign_up("alice@example.com"));
  auto again = sign_up("ALICE@example.com");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, errc::username_exists);
  EXPECT_EQ(again.error().message, "An account with the given email already exists.");
}

TEST_F(RegistrationTest, RefusesWeakPasswordsAndNonEmailNames) {
  EXPECT_EQ(sign_up("alice@example.com", "short").error().code, errc::invalid_password);
  EXPECT_EQ(sign_up("alice").error().message, "Username should be an email.");
  EXPECT_TRUE(take_mail().empty());  // nothing half-written
}

TEST_F(RegistrationTest, CodeExpiresAfter24Hours) {
  sign_up("alice@example.com");
  auto code = last_code();
  clock_.advance(24h);
  EXPECT_EQ(confirm_error("alice@example.com", code), errc::expired_code);
}

TEST_F(RegistrationTest, CodeIsValidJustBeforeItExpires) {
  sign_up("alice@example.com");
  auto code = last_code();
  clock_.advance(24h - 1s);
  EXPECT_TRUE(confirm("alice@example.com", code));
}

TEST_F(RegistrationTest, WrongCodeIsAMismatchAndTheRightOneStillWorks) {
  sign_up("alice@example.com");
  auto code = last_code();
  std::string wrong = code == "000000" ? "000001" : "000000";
  EXPECT_EQ(confirm_error("alice@example.com", wrong), errc::code_mismatch);
  EXPECT_TRUE(confirm("alice@example.com", code));
}

TEST_F(RegistrationTest, FiveWrongCodesBurnTheCode) {
  sign_up("alice@example.com");
  auto code = last_code();
  std::string wrong = code == "000000" ? "000001" : "000000";
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(confirm_error("alice@example.com", wrong), errc::code_mismatch);
  }
  EXPECT_EQ(confirm_error("alice@example.com", code), errc::expired_code);
  ASSERT_TRUE(resend("alice@example.com"));
  EXPECT_TRUE(confirm("alice@example.com", last_code()));
}

TEST_F(RegistrationTest, OnlyTheNewestCodeIsValid) {
  sign_up("alice@example.com");
  auto first = last_code();
  ASSERT_TRUE(resend("alice@example.com"));
  auto second = last_code();
  ASSERT_NE(first, second);
  EXPECT_EQ(confirm_error("alice@example.com", first), errc::expired_code);
  EXPECT_TRUE(confirm("alice@example.com", second));
}

TEST_F(RegistrationTest, ResendIsLimitedPerHour) {
  sign_up("alice@example.com");
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(resend("alice@example.com"));
  }
  auto limited = resend("alice@example.com");
  EXPECT_EQ(limited.error().code, errc::limit_exceeded);
  clock_.advance(1h);
  EXPECT_TRUE(resend("alice@example.com"));
}

TEST_F(RegistrationTest, ResendForConfirmedUserSaysSo) {
  sign_up("alice@example.com");
  ASSERT_TRUE(confirm("alice@example.com", last_code()));
  auto r = resend("alice@example.com");
  EXPECT_EQ(r.error().code, errc::invalid_parameter);
  EXPECT_EQ(r.error().message, "User is already confirmed.");
}

TEST_F(RegistrationTest, UnknownUsersRevealNothing) {
  auto sent = resend("nobody@example.com");
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->destination, "n***@e***");
  EXPECT_TRUE(take_mail().empty());
  EXPECT_EQ(confirm_error("nobody@example.com", "123456"), errc::code_mismatch);
}

TEST_F(RegistrationTest, WithoutPreventUserExistenceErrorsUnknownUsersAreSaidToBeUnknown) {
  change_client([](store::client_record& c) { c.prevent_user_existence_errors = false; });
  EXPECT_EQ(resend("nobody@example.com").error().code, errc::user_not_found);
  auto confirmed = confirm("nobody@example.com", "123456");
  EXPECT_EQ(confirmed.error().code, errc::user_not_found);
  EXPECT_EQ(confirmed.error().message, "User does not exist.");
  ASSERT_TRUE(sign_up("alice@example.com"));
  const auto right = last_code();  // a known user still gets CodeMismatchException
  EXPECT_EQ(confirm_error("alice@example.com", right == "000000" ? "000001" : "000000"),
            errc::code_mismatch);
}

TEST_F(RegistrationTest, NeitherCodesNorVerifiersAreStoredInTheClear) {
  sign_up("alice@example.com", "Passw0rd!");
  auto mails = store::in_transaction(store_, [&](store::transaction& tx) {
    return tx.outbox().claim_due(clock_.now(), clock_.now(), 10);
  });
  auto code = mail::from_outbox_record(mails->front(), sealer_)->code;
  std::ifstream db(dir_ / "test.db", std::ios::binary);
  std::stringstream raw;
  raw << db.rdbuf();
  std::ifstream wal(dir_ / "test.db-wal", std::ios::binary);
  raw << wal.rdbuf();
  EXPECT_EQ(raw.str().find(code), std::string::npos);
  EXPECT_EQ(raw.str().find("Passw0rd!"), std::string::npos);
  // The email body is sealed (its template is pool configuration, stored in the clear).
  EXPECT_EQ(raw.str().find("Use this code: " + code), std::string::npos);
}

TEST_F(RegistrationTest, LiveSettingsChangeTheNextEmail) {
  auto next = seed_settings();
  next.email.verification_subject = "New subject";
  set_settings(next);
  sign_up("alice@example.com");
  EXPECT_EQ(take_mail().back().subject, "New subject");
}

// Every transaction run twice, the first run rolled back (PostgreSQL after a serialization
// failure): one user, one code, one email, and the hourly limit counts each resend once.
TEST_F(RegistrationTest, ARerunTransactionCountsAndSendsOnce) {
  reruns_.rerun = true;
  ASSERT_TRUE(sign_up("alice@example.com"));
  auto mails = take_mail();
  ASSERT_EQ(mails.size(), 1u);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(resend("alice@example.com")) << i;  // sign-up + 4 resends = 5 in the hour
  }
  EXPECT_EQ(resend("alice@example.com").error().code, errc::limit_exceeded);
  auto codes = take_mail();
  ASSERT_EQ(codes.size(), 4u);
  const auto right = codes.back().code;
  EXPECT_EQ(confirm_error("alice@example.com", right == "000000" ? "000001" : "000000"),
            errc::code_mismatch);
  EXPECT_TRUE(confirm("alice@example.com", right));
  EXPECT_GT(reruns_.reruns(), 5);
}

}  // namespace
}  // namespace cognate::pool
