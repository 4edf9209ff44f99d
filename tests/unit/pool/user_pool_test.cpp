// Sign-up and confirmation against a real SQLite store, with a simulated clock.
#include "pool/user_pool.h"

#include "common/random.h"
#include "mail/outbox.h"
#include "store/sqlite/sqlite_store.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cognate::pool {
namespace {

using namespace std::chrono_literals;

class UserPoolTest : public ::testing::Test {
 protected:
  UserPoolTest()
      : dir_(std::filesystem::temp_directory_path() / ("cognate-pool-" + random_uuid())),
        store_((std::filesystem::create_directories(dir_), dir_ / "test.db")),
        sealer_(crypto::master_key::from_bytes(random_bytes(32))),
        settings_(seed_settings()),
        pool_(store_, sealer_, clock_, settings_, options(), [this] { ++wakeups_; }) {
    auto ok = store_.transact([](store::transaction& tx) -> result<void> {
      RETURN_IF_ERROR(tx.directory().insert_pool(
          {.id = "us-east-1_TestPool1", .name = "test", .created_at = from_unix(0)}));
      return tx.directory().insert_client(
          {.id = "client1", .pool_id = "us-east-1_TestPool1", .name = "c", .created_at = from_unix(0)});
    });
    EXPECT_TRUE(ok);
  }
  ~UserPoolTest() override { std::filesystem::remove_all(dir_); }

  static pool_settings seed_settings() {
    pool_settings s;
    s.email.verification_subject = "Welcome to Our Workshop App";
    s.email.verification_body = "Use this code: {####}";
    return s;
  }
  static pool_options options() {
    pool_options o;
    o.pool_id = "us-east-1_TestPool1";
    o.client_id = "client1";
    return o;
  }

  result<sign_up_result> sign_up(const std::string& email, const std::string& password = "Passw0rd!") {
    return pool_.sign_up({"client1", email, password, {{"email", email}}});
  }

  // Every queued mail, oldest first (claimed, so each is returned once).
  std::vector<mail::message> take_mail() {
    auto rows = store::in_transaction(store_, [&](store::transaction& tx) {
      return tx.outbox().claim_due(clock_.now() + 1h, clock_.now() + 2h, 100);
    });
    std::vector<mail::message> out;
    for (const auto& row : *rows) {
      out.push_back(*mail::from_outbox_record(row, sealer_));
    }
    return out;
  }
  std::string last_code() {
    auto mails = take_mail();
    return mails.empty() ? "" : mails.back().code;
  }

  errc confirm_error(const std::string& user, const std::string& code) {
    auto r = pool_.confirm_sign_up("client1", user, code);
    return r ? errc::internal : r.error().code;
  }

  std::filesystem::path dir_;
  manual_clock clock_;
  store::sqlite_store store_;
  crypto::sealer sealer_;
  live_settings settings_;
  user_pool pool_;
  int wakeups_ = 0;
};

TEST_F(UserPoolTest, SignUpQueuesTheConfiguredEmailWithASixDigitCode) {
  auto r = sign_up("Alice@Example.com");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->user_confirmed);
  EXPECT_EQ(r->user_sub.size(), 36u);
  EXPECT_EQ(r->delivery.destination, "A***@E***");
  EXPECT_EQ(wakeups_, 1);
  auto mails = take_mail();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to, "Alice@Example.com");
  EXPECT_EQ(mails[0].subject, "Welcome to Our Workshop App");
  EXPECT_EQ(mails[0].code.size(), 6u);
  EXPECT_EQ(mails[0].body, "Use this code: " + mails[0].code);
}

TEST_F(UserPoolTest, ConfirmWithTheCodeConfirmsAndVerifiesTheEmail) {
  auto r = sign_up("alice@example.com");
  auto code = last_code();
  ASSERT_TRUE(pool_.confirm_sign_up("client1", "ALICE@example.com", code));
  EXPECT_EQ(confirm_error("alice@example.com", code), errc::not_authorized);
  auto user = store::in_transaction(store_, [&](store::transaction& tx) {
    return tx.users().find_by_id("us-east-1_TestPool1", r->user_sub);
  });
  ASSERT_TRUE(user && *user);
  EXPECT_EQ((*user)->status, store::user_status::confirmed);
  auto attributes = boost::json::parse((*user)->attributes_json).as_object();
  EXPECT_EQ(attributes.at("email_verified").as_string(), "true");
}

TEST_F(UserPoolTest, ConfirmAcceptsTheUuidUserName) {
  auto r = sign_up("alice@example.com");
  ASSERT_TRUE(pool_.confirm_sign_up("client1", r->user_sub, last_code()));
}

TEST_F(UserPoolTest, EmailIsUniqueCaseInsensitivelyEvenWhileUnconfirmed) {
  ASSERT_TRUE(sign_up("alice@example.com"));
  auto again = sign_up("ALICE@example.com");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, errc::username_exists);
  EXPECT_EQ(again.error().message, "An account with the given email already exists.");
}

TEST_F(UserPoolTest, RefusesWeakPasswordsNonEmailNamesAndUnknownClients) {
  EXPECT_EQ(sign_up("alice@example.com", "short").error().code, errc::invalid_password);
  EXPECT_EQ(sign_up("alice").error().message, "Username should be an email.");
  auto other_client = pool_.sign_up({"nope", "a@example.com", "Passw0rd!", {}});
  EXPECT_EQ(other_client.error().code, errc::resource_not_found);
  EXPECT_TRUE(take_mail().empty());  // nothing half-written
}

TEST_F(UserPoolTest, CodeExpiresAfter24Hours) {
  sign_up("alice@example.com");
  auto code = last_code();
  clock_.advance(24h);
  EXPECT_EQ(confirm_error("alice@example.com", code), errc::expired_code);
}

TEST_F(UserPoolTest, CodeIsValidJustBeforeItExpires) {
  sign_up("alice@example.com");
  auto code = last_code();
  clock_.advance(24h - 1s);
  EXPECT_TRUE(pool_.confirm_sign_up("client1", "alice@example.com", code));
}

TEST_F(UserPoolTest, WrongCodeIsAMismatchAndTheRightOneStillWorks) {
  sign_up("alice@example.com");
  auto code = last_code();
  std::string wrong = code == "000000" ? "000001" : "000000";
  EXPECT_EQ(confirm_error("alice@example.com", wrong), errc::code_mismatch);
  EXPECT_TRUE(pool_.confirm_sign_up("client1", "alice@example.com", code));
}

TEST_F(UserPoolTest, FiveWrongCodesBurnTheCode) {
  sign_up("alice@example.com");
  auto code = last_code();
  std::string wrong = code == "000000" ? "000001" : "000000";
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(confirm_error("alice@example.com", wrong), errc::code_mismatch);
  }
  EXPECT_EQ(confirm_error("alice@example.com", code), errc::expired_code);
  ASSERT_TRUE(pool_.resend_confirmation_code("client1", "alice@example.com"));
  EXPECT_TRUE(pool_.confirm_sign_up("client1", "alice@example.com", last_code()));
}

TEST_F(UserPoolTest, OnlyTheNewestCodeIsValid) {
  sign_up("alice@example.com");
  auto first = last_code();
  ASSERT_TRUE(pool_.resend_confirmation_code("client1", "alice@example.com"));
  auto second = last_code();
  ASSERT_NE(first, second);
  EXPECT_EQ(confirm_error("alice@example.com", first), errc::expired_code);
  EXPECT_TRUE(pool_.confirm_sign_up("client1", "alice@example.com", second));
}

TEST_F(UserPoolTest, ResendIsLimitedPerHour) {
  sign_up("alice@example.com");
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(pool_.resend_confirmation_code("client1", "alice@example.com"));
  }
  auto limited = pool_.resend_confirmation_code("client1", "alice@example.com");
  EXPECT_EQ(limited.error().code, errc::limit_exceeded);
  clock_.advance(1h);
  EXPECT_TRUE(pool_.resend_confirmation_code("client1", "alice@example.com"));
}

TEST_F(UserPoolTest, ResendForConfirmedUserSaysSo) {
  sign_up("alice@example.com");
  ASSERT_TRUE(pool_.confirm_sign_up("client1", "alice@example.com", last_code()));
  auto r = pool_.resend_confirmation_code("client1", "alice@example.com");
  EXPECT_EQ(r.error().code, errc::invalid_parameter);
  EXPECT_EQ(r.error().message, "User is already confirmed.");
}

TEST_F(UserPoolTest, UnknownUsersRevealNothing) {
  auto resend = pool_.resend_confirmation_code("client1", "nobody@example.com");
  ASSERT_TRUE(resend);
  EXPECT_EQ(resend->destination, "n***@e***");
  EXPECT_TRUE(take_mail().empty());
  EXPECT_EQ(confirm_error("nobody@example.com", "123456"), errc::code_mismatch);
}

TEST_F(UserPoolTest, NeitherCodesNorVerifiersAreStoredInTheClear) {
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
  EXPECT_EQ(raw.str().find("Use this code"), std::string::npos);  // the email body is sealed
}

TEST_F(UserPoolTest, LiveSettingsChangeTheNextEmail) {
  auto next = seed_settings();
  next.email.verification_subject = "New subject";
  settings_.set(next);
  sign_up("alice@example.com");
  EXPECT_EQ(take_mail().back().subject, "New subject");
}

}  // namespace
}  // namespace cognate::pool
