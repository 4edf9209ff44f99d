// The sign-in state machine against a real SQLite store, a simulated clock, and an SRP client
// written independently of the server's SRP code.
#include "pool/sign_in.h"

#include "common/random.h"
#include "mail/outbox.h"
#include "mfa/totp.h"
#include "pool/srp_timestamp.h"
#include "store/sqlite/sqlite_store.h"
#include "support/srp_client.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <future>

namespace cognate::pool {
namespace {

using namespace std::chrono_literals;

class SignInTest : public ::testing::Test {
 protected:
  SignInTest()
      : dir_(std::filesystem::temp_directory_path() / ("cognate-signin-" + random_uuid())),
        store_((std::filesystem::create_directories(dir_), dir_ / "test.db")),
        sealer_(crypto::master_key::from_bytes(random_bytes(32))),
        settings_(mode_settings(mfa_mode::required)),
        users_(store_, sealer_, clock_, settings_, options(), [] {}),
        pool_ready_(insert_pool()),
        keys_(store_, sealer_, "us-east-1_TestPool1", clock_, std::chrono::hours(1)),
        sign_in_(store_, sealer_, clock_, settings_, users_.options(), sign_in_opts(), keys_) {}

  bool insert_pool() {
    clock_.set(std::chrono::system_clock::now());
    auto ok = store_.transact([](store::transaction& tx) -> result<void> {
      RETURN_IF_ERROR(tx.directory().insert_pool(
          {.id = "us-east-1_TestPool1", .name = "test", .created_at = from_unix(0)}));
      return tx.directory().insert_client(
          {.id = "client1", .pool_id = "us-east-1_TestPool1", .name = "c", .created_at = from_unix(0)});
    });
    EXPECT_TRUE(ok);
    return true;
  }
  ~SignInTest() override { std::filesystem::remove_all(dir_); }

  static pool_settings mode_settings(mfa_mode mode) {
    pool_settings s;
    s.mfa = mode;
    s.totp_enabled = mode != mfa_mode::off;
    return s;
  }
  static pool_options options() {
    pool_options o;
    o.pool_id = "us-east-1_TestPool1";
    o.client_id = "client1";
    o.allow_user_password_auth = true;
    return o;
  }
  static sign_in_options sign_in_opts() {
    sign_in_options o;
    o.issuer = "http://127.0.0.1:1/us-east-1_TestPool1";
    return o;
  }

  // Signs up and confirms; returns the user id.
  std::string confirmed_user(const std::string& email, const std::string& password = "Passw0rd!") {
    auto r = users_.sign_up({"client1", email, password, {}});
    EXPECT_TRUE(r);
    auto rows = store::in_transaction(store_, [&](store::transaction& tx) {
      return tx.outbox().claim_due(clock_.now() + 1h, clock_.now() + 2h, 100);
    });
    auto code = mail::from_outbox_record(rows->back(), sealer_)->code;
    EXPECT_TRUE(users_.confirm_sign_up("client1", email, code));
    return r->user_sub;
  }

  result<auth_step> password(const std::string& email, const std::string& pw = "Passw0rd!") {
    return sign_in_.initiate_auth("client1", "USER_PASSWORD_AUTH",
                                  {{"USERNAME", email}, {"PASSWORD", pw}});
  }

  result<auth_step> srp(const std::string& email, const std::string& pw = "Passw0rd!",
                        std::optional<std::string> timestamp = std::nullopt) {
    testing::srp_client client;
    auto challenge = sign_in_.initiate_auth("client1", "USER_SRP_AUTH",
                                            {{"USERNAME", email}, {"SRP_A", client.A_hex()}});
    if (!challenge) {
      return challenge;
    }
    EXPECT_EQ(challenge->challenge_name, "PASSWORD_VERIFIER");
    const auto& p = challenge->parameters;
    const auto ts = timestamp.value_or(format_srp_timestamp(clock_.now()));
    auto sig = client.signature("TestPool1", p.at("USER_ID_FOR_SRP"), pw, p.at("SALT"),
                                p.at("SRP_B"), p.at("SECRET_BLOCK"), ts);
    return sign_in_.respond_to_auth_challenge(
        "client1", "PASSWORD_VERIFIER", challenge->session,
        {{"USERNAME", p.at("USER_ID_FOR_SRP")},
         {"PASSWORD_CLAIM_SECRET_BLOCK", p.at("SECRET_BLOCK")},
         {"PASSWORD_CLAIM_SIGNATURE", sig},
         {"TIMESTAMP", ts}});
  }

  // Runs MFA_SETUP to the end; returns the TOTP secret and the tokens.
  std::pair<bytes, token_set> set_up_totp(const auth_step& setup) {
    EXPECT_EQ(setup.challenge_name, "MFA_SETUP");
    EXPECT_EQ(setup.parameters.at("MFAS_CAN_SETUP"), R"(["SOFTWARE_TOKEN_MFA"])");
    auto associated = sign_in_.associate_software_token({std::nullopt, setup.session});
    EXPECT_TRUE(associated);
    auto secret = *base32_decode(associated->secret_code);
    auto verified = sign_in_.verify_software_token({std::nullopt, associated->session},
                                                   mfa::totp_code(secret, clock_.now()));
    EXPECT_TRUE(verified) << verified.error().message;
    auto done = sign_in_.respond_to_auth_challenge("client1", "MFA_SETUP", verified->session, {});
    EXPECT_TRUE(done && done->tokens);
    return {secret, *done->tokens};
  }

  std::filesystem::path dir_;
  manual_clock clock_;
  store::sqlite_store store_;
  crypto::sealer sealer_;
  live_settings settings_;
  user_pool users_;
  bool pool_ready_;
  signing_keys keys_;
  sign_in sign_in_;
};

TEST_F(SignInTest, SrpProofFromAnIndependentClientSignsIn) {
  confirmed_user("alice@example.com");
  auto step = srp("alice@example.com");
  ASSERT_TRUE(step) << step.error().message;
  EXPECT_EQ(step->challenge_name, "MFA_SETUP");
}

TEST_F(SignInTest, SrpRoundTripsWithRandomPasswords) {
  for (int i = 0; i < 5; ++i) {
    auto email = "user" + std::to_string(i) + "@example.com";
    auto pw = "Pw1!" + base64url_encode(random_bytes(12));
    confirmed_user(email, pw);
    auto ok = srp(email, pw);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(srp(email, pw + "x").error().message, "Incorrect username or password.");
  }
}

TEST_F(SignInTest, SrpRefusesWrongPasswordZeroPaddedDayAndStaleTimestamp) {
  confirmed_user("alice@example.com");
  EXPECT_EQ(srp("alice@example.com", "Wrong0rd!").error().code, errc::not_authorized);
  EXPECT_FALSE(srp("alice@example.com", "Passw0rd!", format_srp_timestamp(clock_.now() - 10min)));
  EXPECT_FALSE(srp("alice@example.com", "Passw0rd!", "Tue Mar 05 09:04:01 UTC 2024"));
}

TEST_F(SignInTest, UnknownUserGetsAStableFakeChallengeAndTheSameError) {
  testing::srp_client client;
  auto one = sign_in_.initiate_auth("client1", "USER_SRP_AUTH",
                                    {{"USERNAME", "ghost@example.com"}, {"SRP_A", client.A_hex()}});
  auto two = sign_in_.initiate_auth("client1", "USER_SRP_AUTH",
                                    {{"USERNAME", "ghost@example.com"}, {"SRP_A", client.A_hex()}});
  ASSERT_TRUE(one && two);
  EXPECT_EQ(one->parameters.at("SALT"), two->parameters.at("SALT"));
  EXPECT_EQ(one->parameters.at("USER_ID_FOR_SRP"), two->parameters.at("USER_ID_FOR_SRP"));
  EXPECT_EQ(one->parameters.at("USER_ID_FOR_SRP").size(), 36u);
  auto srp_error = srp("ghost@example.com");
  auto pw_error = password("ghost@example.com");
  EXPECT_EQ(srp_error.error().message, "Incorrect username or password.");
  EXPECT_EQ(pw_error.error().message, "Incorrect username or password.");
}

TEST_F(SignInTest, UnconfirmedUserIsToldSoOnlyWithTheRightPassword) {
  ASSERT_TRUE(users_.sign_up({"client1", "new@example.com", "Passw0rd!", {}}));
  EXPECT_EQ(password("new@example.com").error().code, errc::user_not_confirmed);
  EXPECT_EQ(password("new@example.com", "Wrong0rd!").error().code, errc::not_authorized);
}

TEST_F(SignInTest, RequiredModeSetsUpTotpThenAsksForACodeEachTime) {
  confirmed_user("alice@example.com");
  auto [secret, tokens] = set_up_totp(*password("alice@example.com"));
  EXPECT_FALSE(tokens.refresh_token.empty());
  auto profile = sign_in_.get_user(tokens.access_token);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->preferred_mfa, "SOFTWARE_TOKEN_MFA");
  EXPECT_EQ(profile->attributes.at("email_verified"), "true");

  clock_.advance(30s);
  auto challenge = password("alice@example.com");
  ASSERT_EQ(challenge->challenge_name, "SOFTWARE_TOKEN_MFA");
  auto done = sign_in_.respond_to_auth_challenge(
      "client1", "SOFTWARE_TOKEN_MFA", challenge->session,
      {{"SOFTWARE_TOKEN_MFA_CODE", mfa::totp_code(secret, clock_.now())}});
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_TRUE(done->tokens);
}

TEST_F(SignInTest, WrongCodeKeepsTheSessionUntilTheCapAndCodesAreSingleUse) {
  confirmed_user("alice@example.com");
  auto secret = set_up_totp(*password("alice@example.com")).first;
  clock_.advance(30s);
  auto challenge = password("alice@example.com");
  const auto right = mfa::totp_code(secret, clock_.now());
  const std::string wrong = right == "000000" ? "000001" : "000000";
  auto answer = [&](const std::string& code) {
    return sign_in_.respond_to_auth_challenge("client1", "SOFTWARE_TOKEN_MFA", challenge->session,
                                              {{"SOFTWARE_TOKEN_MFA_CODE", code}});
  };
  auto miss = answer(wrong);
  EXPECT_EQ(miss.error().code, errc::code_mismatch);
  EXPECT_EQ(miss.error().message, "Invalid code or auth state for the user.");
  ASSERT_TRUE(answer(right));  // same Session after a wrong code

  // The same code again, on a fresh sign-in: a replay.
  auto again = password("alice@example.com");
  auto replay = sign_in_.respond_to_auth_challenge("client1", "SOFTWARE_TOKEN_MFA", again->session,
                                                   {{"SOFTWARE_TOKEN_MFA_CODE", right}});
  EXPECT_EQ(replay.error().code, errc::code_mismatch);
  for (int i = 0; i < 4; ++i) {
    (void)sign_in_.respond_to_auth_challenge("client1", "SOFTWARE_TOKEN_MFA", again->session,
                                             {{"SOFTWARE_TOKEN_MFA_CODE", wrong}});
  }
  clock_.advance(30s);
  auto dead = sign_in_.respond_to_auth_challenge(
      "client1", "SOFTWARE_TOKEN_MFA", again->session,
      {{"SOFTWARE_TOKEN_MFA_CODE", mfa::totp_code(secret, clock_.now())}});
  EXPECT_EQ(dead.error().message, "Invalid session for the user.");
}

TEST_F(SignInTest, ParallelUsesOfOneCodeAreAcceptedOnce) {
  confirmed_user("alice@example.com");
  auto secret = set_up_totp(*password("alice@example.com")).first;
  clock_.advance(30s);
  std::vector<std::string> sessions;
  for (int i = 0; i < 8; ++i) {
    sessions.push_back(password("alice@example.com")->session);
  }
  const auto code = mfa::totp_code(secret, clock_.now());
  std::vector<std::future<bool>> results;
  for (const auto& s : sessions) {
    results.push_back(std::async(std::launch::async, [&, s] {
      return sign_in_.respond_to_auth_challenge("client1", "SOFTWARE_TOKEN_MFA", s,
                                                {{"SOFTWARE_TOKEN_MFA_CODE", code}})
          .has_value();
    }));
  }
  int accepted = 0;
  for (auto& r : results) {
    accepted += r.get() ? 1 : 0;
  }
  EXPECT_EQ(accepted, 1);
}

TEST_F(SignInTest, SessionsExpireAfterThreeMinutes) {
  confirmed_user("alice@example.com");
  auto setup = password("alice@example.com");
  clock_.advance(3min);
  auto late = sign_in_.associate_software_token({std::nullopt, setup->session});
  EXPECT_EQ(late.error().message, "Invalid session for the user, session is expired.");
}

TEST_F(SignInTest, SessionIsBoundToItsStepAndClient) {
  confirmed_user("alice@example.com");
  auto setup = password("alice@example.com");
  auto wrong_step = sign_in_.respond_to_auth_challenge("client1", "SOFTWARE_TOKEN_MFA",
                                                       setup->session, {});
  EXPECT_EQ(wrong_step.error().code, errc::not_authorized);
  EXPECT_EQ(sign_in_.respond_to_auth_challenge("client1", "MFA_SETUP", "cgnot-a-session-at-all", {})
                .error()
                .code,
            errc::not_authorized);
}

TEST_F(SignInTest, WrongSetupCodeIsRefusedAndTheSessionRetries) {
  confirmed_user("alice@example.com");
  auto setup = password("alice@example.com");
  auto associated = sign_in_.associate_software_token({std::nullopt, setup->session});
  auto secret = *base32_decode(associated->secret_code);
  const auto right = mfa::totp_code(secret, clock_.now());
  const std::string wrong = right == "000000" ? "000001" : "000000";
  auto miss = sign_in_.verify_software_token({std::nullopt, associated->session}, wrong);
  EXPECT_EQ(miss.error().code, errc::enable_software_token_mfa);
  EXPECT_EQ(miss.error().message, "Code mismatch and fail enable Software Token MFA");
  EXPECT_TRUE(sign_in_.verify_software_token({std::nullopt, associated->session}, right));
}

TEST_F(SignInTest, FiveFailuresLockTheAccountEvenWithTheRightPassword) {
  confirmed_user("alice@example.com");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(password("alice@example.com", "Wrong0rd!").error().message,
              "Incorrect username or password.");
  }
  EXPECT_EQ(password("alice@example.com").error().message, "Password attempts exceeded");
  clock_.advance(31s);
  EXPECT_TRUE(password("alice@example.com"));  // lockout over; success resets the count
  EXPECT_EQ(password("alice@example.com", "Wrong0rd!").error().message,
            "Incorrect username or password.");
}

TEST_F(SignInTest, LockoutBacksOffExponentially) {
  confirmed_user("alice@example.com");
  for (int i = 0; i < 5; ++i) {
    (void)password("alice@example.com", "Wrong0rd!");
  }
  clock_.advance(31s);
  (void)password("alice@example.com", "Wrong0rd!");  // 6th failure: 60 s
  clock_.advance(31s);
  EXPECT_EQ(password("alice@example.com").error().message, "Password attempts exceeded");
  clock_.advance(30s);
  EXPECT_TRUE(password("alice@example.com"));
}

TEST_F(SignInTest, ParallelGuessesCannotExceedTheThreshold) {
  confirmed_user("alice@example.com");
  std::vector<std::future<std::string>> guesses;
  for (int i = 0; i < 20; ++i) {
    guesses.push_back(std::async(std::launch::async, [&] {
      return password("alice@example.com", "Wrong0rd!").error().message;
    }));
  }
  int evaluated = 0;
  for (auto& g : guesses) {
    evaluated += g.get() == "Incorrect username or password." ? 1 : 0;
  }
  EXPECT_EQ(evaluated, 5);
}

TEST_F(SignInTest, OptionalModeGivesTokensUntilTheUserEnrols) {
  settings_.set(mode_settings(mfa_mode::optional));
  confirmed_user("alice@example.com");
  auto first = password("alice@example.com");
  ASSERT_TRUE(first && first->tokens);
  auto access = first->tokens->access_token;
  auto associated = sign_in_.associate_software_token({access, std::nullopt});
  ASSERT_TRUE(associated);
  EXPECT_TRUE(associated->session.empty());
  auto secret = *base32_decode(associated->secret_code);
  ASSERT_TRUE(sign_in_.verify_software_token({access, std::nullopt},
                                             mfa::totp_code(secret, clock_.now())));
  ASSERT_TRUE(sign_in_.set_user_mfa_preference(access, mfa_preference{true, true}, std::nullopt,
                                               std::nullopt));
  EXPECT_EQ(password("alice@example.com")->challenge_name, "SOFTWARE_TOKEN_MFA");
}

TEST_F(SignInTest, OffModeGivesTokensAndRefusesTotp) {
  settings_.set(mode_settings(mfa_mode::off));
  confirmed_user("alice@example.com");
  auto first = password("alice@example.com");
  ASSERT_TRUE(first && first->tokens);
  auto refused = sign_in_.associate_software_token({first->tokens->access_token, std::nullopt});
  EXPECT_EQ(refused.error().code, errc::software_token_mfa_not_found);
}

TEST_F(SignInTest, TokensCarryCognitosClaims) {
  settings_.set(mode_settings(mfa_mode::off));
  auto id = confirmed_user("alice@example.com");
  auto tokens = *password("alice@example.com")->tokens;
  auto access = keys_.verify(tokens.access_token)->payload;
  auto id_token = keys_.verify(tokens.id_token)->payload;
  EXPECT_EQ(access.at("token_use").as_string(), "access");
  EXPECT_EQ(access.at("client_id").as_string(), "client1");
  EXPECT_EQ(access.at("username").as_string(), id);
  EXPECT_EQ(access.at("scope").as_string(), "aws.cognito.signin.user.admin");
  EXPECT_FALSE(access.contains("aud"));
  EXPECT_EQ(id_token.at("token_use").as_string(), "id");
  EXPECT_EQ(id_token.at("aud").as_string(), "client1");
  EXPECT_EQ(id_token.at("cognito:username").as_string(), id);
  EXPECT_EQ(id_token.at("email_verified").as_bool(), true);
  EXPECT_EQ(id_token.at("origin_jti"), access.at("origin_jti"));
  EXPECT_EQ(access.at("exp").as_int64() - access.at("iat").as_int64(), 3600);
}

TEST_F(SignInTest, RefreshKeepsTheFamilyAndRevokeEndsIt) {
  settings_.set(mode_settings(mfa_mode::off));
  confirmed_user("alice@example.com");
  auto tokens = *password("alice@example.com")->tokens;
  clock_.advance(10min);
  auto refreshed = sign_in_.refresh("client1", tokens.refresh_token);
  ASSERT_TRUE(refreshed);
  EXPECT_TRUE(refreshed->refresh_token.empty());
  auto claims = keys_.verify(refreshed->access_token)->payload;
  auto original = keys_.verify(tokens.access_token)->payload;
  EXPECT_EQ(claims.at("origin_jti"), original.at("origin_jti"));
  EXPECT_EQ(claims.at("auth_time"), original.at("auth_time"));

  EXPECT_EQ(sign_in_.revoke_token("client1", tokens.access_token).error().code,
            errc::unsupported_token_type);
  ASSERT_TRUE(sign_in_.revoke_token("client1", tokens.refresh_token));
  EXPECT_EQ(sign_in_.refresh("client1", tokens.refresh_token).error().message,
            "Refresh Token has been revoked");
  EXPECT_EQ(sign_in_.get_user(refreshed->access_token).error().message,
            "Access Token has been revoked");
  EXPECT_EQ(sign_in_.refresh("client1", "crnonsense").error().message, "Invalid Refresh Token");
}

TEST_F(SignInTest, GlobalSignOutRevokesEverySession) {
  settings_.set(mode_settings(mfa_mode::off));
  confirmed_user("alice@example.com");
  auto one = *password("alice@example.com")->tokens;
  auto two = *password("alice@example.com")->tokens;
  ASSERT_TRUE(sign_in_.global_sign_out(one.access_token));
  EXPECT_EQ(sign_in_.get_user(two.access_token).error().message, "Access Token has been revoked");
  EXPECT_FALSE(sign_in_.refresh("client1", two.refresh_token));
  auto three = *password("alice@example.com")->tokens;  // signing in again works
  EXPECT_TRUE(sign_in_.get_user(three.access_token));
}

TEST_F(SignInTest, ExpiredOrTamperedAccessTokensAreRefused) {
  settings_.set(mode_settings(mfa_mode::off));
  confirmed_user("alice@example.com");
  auto tokens = *password("alice@example.com")->tokens;
  auto tampered = tokens.access_token;
  tampered[tampered.find('.') + 5] ^= 1;
  EXPECT_EQ(sign_in_.get_user(tampered).error().message, "Invalid Access Token");
  EXPECT_EQ(sign_in_.get_user(tokens.id_token).error().message, "Invalid Access Token");
  clock_.advance(1h);
  EXPECT_EQ(sign_in_.get_user(tokens.access_token).error().message, "Access Token has expired");
  clock_.advance(30 * 24h);
  EXPECT_EQ(sign_in_.refresh("client1", tokens.refresh_token).error().message,
            "Refresh Token has expired");
}

TEST_F(SignInTest, RotatedKeyIsPublishedFirstSignsAfterADelayAndTheOldOneLingers) {
  settings_.set(mode_settings(mfa_mode::off));
  confirmed_user("alice@example.com");
  auto before = *password("alice@example.com")->tokens;
  auto old_kid = std::string(keys_.verify(before.access_token)->header.at("kid").as_string());
  auto rotated = signing_keys::rotate(store_, sealer_, "us-east-1_TestPool1", clock_);
  ASSERT_TRUE(rotated);

  // Published at once (every node's JWKS lists it after its next reload) but not signing yet.
  clock_.advance(2s);
  keys_.reload();
  EXPECT_EQ(keys_.jwks().at("keys").as_array().size(), 2u);
  auto during = *password("alice@example.com")->tokens;
  EXPECT_EQ(keys_.verify(during.access_token)->header.at("kid").as_string(), old_kid);

  // After the publish delay the new key signs; tokens of the old key stay valid.
  clock_.advance(signing_keys::publish_delay);
  keys_.reload();
  auto after = *password("alice@example.com")->tokens;
  EXPECT_EQ(keys_.verify(after.access_token)->header.at("kid").as_string(), *rotated);
  EXPECT_TRUE(sign_in_.get_user(during.access_token));

  // A node that has not reloaded yet verifies a token of the new key by reloading at once.
  signing_keys stale(store_, sealer_, "us-east-1_TestPool1", clock_, std::chrono::hours(1));
  EXPECT_TRUE(stale.verify(after.access_token));

  clock_.advance(1h + 6min);  // every token of the old key has expired
  keys_.reload();
  auto jwks = keys_.jwks().at("keys").as_array();
  ASSERT_EQ(jwks.size(), 1u);
  EXPECT_EQ(jwks[0].at("kid").as_string(), *rotated);
}

TEST(SrpTimestamp, ParsesCognitosFormatStrictly) {
  auto t = parse_srp_timestamp("Tue Mar 5 09:04:01 UTC 2024");
  ASSERT_TRUE(t);
  EXPECT_EQ(to_unix(*t), 1709629441);
  EXPECT_EQ(format_srp_timestamp(*t), "Tue Mar 5 09:04:01 UTC 2024");
  EXPECT_TRUE(parse_srp_timestamp("Fri Nov 27 18:49:32 UTC 2026"));
  EXPECT_FALSE(parse_srp_timestamp("Tue Mar 05 09:04:01 UTC 2024"));  // padded day
  EXPECT_FALSE(parse_srp_timestamp("Wed Mar 5 09:04:01 UTC 2024"));   // wrong weekday
  EXPECT_FALSE(parse_srp_timestamp("Tue Mar 5 9:04:01 UTC 2024"));
  EXPECT_FALSE(parse_srp_timestamp("Tue Mar 5 09:04:01 GMT 2024"));
  EXPECT_FALSE(parse_srp_timestamp("Tue Mar 5 09:04:01 UTC 2024 "));
  EXPECT_FALSE(parse_srp_timestamp(""));
  // Found by fuzz/text_parsers_fuzz: a far-future year overflowed the clock type.
  EXPECT_FALSE(parse_srp_timestamp("Tue Mar 5 09:04:01 UTC 6024"));
  EXPECT_FALSE(parse_srp_timestamp("Thu Jan 1 00:00:00 UTC 1000"));
}

}  // namespace
}  // namespace cognate::pool
