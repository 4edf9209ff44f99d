// The sign-in state machine against a real SQLite store, a simulated clock, and an SRP client
// written independently of the server's SRP code.
#include "auth/sign_in.h"

#include "common/random.h"
#include "mail/outbox.h"
#include "mfa/totp.h"
#include "pool/srp_timestamp.h"
#include "store/sqlite/sqlite_store.h"
#include "support/pool_harness.h"
#include "support/srp_client.h"
#include "auth/user_profile.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <future>

namespace cognate::auth {

using pool::format_srp_timestamp;
using pool::mfa_mode;
using pool::parse_srp_timestamp;
using pool::pool_settings;
using pool::signing_keys;
namespace {

using namespace std::chrono_literals;

struct token_or_session {
  std::optional<std::string> access_token;
  std::optional<std::string> session;
};

class SignInTest : public ::testing::Test, public testing::pool_harness {
 protected:
  SignInTest() : pool_harness(mode_settings(mfa_mode::required)) {}

  static pool_settings mode_settings(mfa_mode mode) {
    pool_settings s;
    s.mfa = mode;
    s.totp_enabled = mode != mfa_mode::off;
    return s;
  }

  // Signs up and confirms; returns the user id.
  std::string confirmed_user(const std::string& email, const std::string& password = "Passw0rd!") {
    auto r = registration_.sign_up(client(), {email, password, {}});
    EXPECT_TRUE(r);
    EXPECT_TRUE(registration_.confirm_sign_up(client(), email, last_code()));
    return r->user_sub;
  }

  // The operations as the API calls them, for `client_id` of the test pool.
  result<auth_step> initiate_auth(const std::string&, const std::string& flow,
                                  const string_map& parameters) {
    return auth_.flow.initiate_auth(client(), flow, parameters);
  }
  result<auth_step> respond(const std::string& name, const std::string& session,
                            const string_map& responses) {
    return auth_.flow.respond_to_auth_challenge(client(), name, session, responses);
  }
  result<caller> check(const std::string& access_token) {
    return auth_.guard.check(snapshot(), access_token);
  }
  result<user_profile> get_user(const std::string& access_token) {
    ASSIGN_OR_RETURN(auto who, check(access_token));
    return profile_of(who, auth_.factors, clock_.now());
  }
  result<associate_result> associate(const token_or_session& who) {
    if (who.access_token) {
      ASSIGN_OR_RETURN(auto c, check(*who.access_token));
      return auth_.mfa.associate(c);
    }
    return auth_.mfa.associate(snapshot(), *who.session);
  }
  result<verify_result> verify(const token_or_session& who, const std::string& code) {
    if (who.access_token) {
      ASSIGN_OR_RETURN(auto c, check(*who.access_token));
      return auth_.mfa.verify(c, code);
    }
    return auth_.mfa.verify(snapshot(), *who.session, code);
  }
  result<void> set_mfa_preference(const std::string& access_token,
                                  std::optional<mfa_preference> totp,
                                  std::optional<mfa_preference> sms,
                                  std::optional<mfa_preference> email) {
    ASSIGN_OR_RETURN(auto c, check(access_token));
    return auth_.mfa.set_preference(c, totp, sms, email);
  }
  result<token_set> refresh(const std::string& token) {
    return auth_.tokens.refresh(client(), token, {});
  }
  result<void> revoke(const std::string& token) { return auth_.tokens.revoke(client(), token); }
  result<void> global_sign_out(const std::string& access_token) {
    ASSIGN_OR_RETURN(auto c, check(access_token));
    return auth_.tokens.sign_out_everywhere(c);
  }
  signing_keys& keys() { return *pool().keys; }

  result<auth_step> password(const std::string& email, const std::string& pw = "Passw0rd!") {
    return initiate_auth("client1", "USER_PASSWORD_AUTH", {{"USERNAME", email}, {"PASSWORD", pw}});
  }

  result<auth_step> srp(const std::string& email, const std::string& pw = "Passw0rd!",
                        std::optional<std::string> timestamp = std::nullopt) {
    cognate::testing::srp_client client;
    auto challenge =
        initiate_auth("client1", "USER_SRP_AUTH", {{"USERNAME", email}, {"SRP_A", client.A_hex()}});
    if (!challenge) {
      return challenge;
    }
    EXPECT_EQ(challenge->challenge_name, "PASSWORD_VERIFIER");
    const auto& p = challenge->parameters;
    const auto ts = timestamp.value_or(format_srp_timestamp(clock_.now()));
    auto sig = client.signature("TestPool1", p.at("USER_ID_FOR_SRP"), pw, p.at("SALT"),
                                p.at("SRP_B"), p.at("SECRET_BLOCK"), ts);
    return respond("PASSWORD_VERIFIER", challenge->session,
                   {{"USERNAME", p.at("USER_ID_FOR_SRP")},
                    {"PASSWORD_CLAIM_SECRET_BLOCK", p.at("SECRET_BLOCK")},
                    {"PASSWORD_CLAIM_SIGNATURE", sig},
                    {"TIMESTAMP", ts}});
  }

  // Runs MFA_SETUP to the end; returns the TOTP secret and the tokens.
  std::pair<bytes, token_set> set_up_totp(const auth_step& setup) {
    EXPECT_EQ(setup.challenge_name, "MFA_SETUP");
    EXPECT_EQ(setup.parameters.at("MFAS_CAN_SETUP"), R"(["SOFTWARE_TOKEN_MFA"])");
    auto associated = associate({std::nullopt, setup.session});
    EXPECT_TRUE(associated);
    auto secret = *base32_decode(associated->secret_code);
    auto verified =
        verify({std::nullopt, associated->session}, mfa::totp_code(secret, clock_.now()));
    EXPECT_TRUE(verified) << verified.error().message;
    auto done = respond("MFA_SETUP", verified->session, {});
    EXPECT_TRUE(done && done->tokens);
    return {secret, *done->tokens};
  }
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
  cognate::testing::srp_client client;
  auto one = initiate_auth("client1", "USER_SRP_AUTH",
                           {{"USERNAME", "ghost@example.com"}, {"SRP_A", client.A_hex()}});
  auto two = initiate_auth("client1", "USER_SRP_AUTH",
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
  ASSERT_TRUE(registration_.sign_up(client(), {"new@example.com", "Passw0rd!", {}}));
  EXPECT_EQ(password("new@example.com").error().code, errc::user_not_confirmed);
  EXPECT_EQ(password("new@example.com", "Wrong0rd!").error().code, errc::not_authorized);
}

TEST_F(SignInTest, RequiredModeSetsUpTotpThenAsksForACodeEachTime) {
  confirmed_user("alice@example.com");
  auto [secret, tokens] = set_up_totp(*password("alice@example.com"));
  EXPECT_FALSE(tokens.refresh_token.empty());
  auto profile = get_user(tokens.access_token);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->preferred_mfa, "SOFTWARE_TOKEN_MFA");
  EXPECT_EQ(profile->attributes.at("email_verified"), "true");

  clock_.advance(30s);
  auto challenge = password("alice@example.com");
  ASSERT_EQ(challenge->challenge_name, "SOFTWARE_TOKEN_MFA");
  auto done = respond("SOFTWARE_TOKEN_MFA", challenge->session,
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
    return respond("SOFTWARE_TOKEN_MFA", challenge->session, {{"SOFTWARE_TOKEN_MFA_CODE", code}});
  };
  auto miss = answer(wrong);
  EXPECT_EQ(miss.error().code, errc::code_mismatch);
  EXPECT_EQ(miss.error().message, "Invalid code or auth state for the user.");
  ASSERT_TRUE(answer(right));  // same Session after a wrong code

  // The same code again, on a fresh sign-in: a replay.
  auto again = password("alice@example.com");
  auto replay = respond("SOFTWARE_TOKEN_MFA", again->session, {{"SOFTWARE_TOKEN_MFA_CODE", right}});
  EXPECT_EQ(replay.error().code, errc::code_mismatch);
  for (int i = 0; i < 4; ++i) {
    (void)respond("SOFTWARE_TOKEN_MFA", again->session, {{"SOFTWARE_TOKEN_MFA_CODE", wrong}});
  }
  clock_.advance(30s);
  auto dead = respond("SOFTWARE_TOKEN_MFA", again->session,
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
      return respond("SOFTWARE_TOKEN_MFA", s, {{"SOFTWARE_TOKEN_MFA_CODE", code}}).has_value();
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
  auto late = associate({std::nullopt, setup->session});
  EXPECT_EQ(late.error().message, "Invalid session for the user, session is expired.");
}

TEST_F(SignInTest, SessionIsBoundToItsStepAndClient) {
  confirmed_user("alice@example.com");
  auto setup = password("alice@example.com");
  auto wrong_step = respond("SOFTWARE_TOKEN_MFA", setup->session, {});
  EXPECT_EQ(wrong_step.error().code, errc::not_authorized);
  EXPECT_EQ(respond("MFA_SETUP", "cgnot-a-session-at-all", {}).error().code, errc::not_authorized);
}

TEST_F(SignInTest, WrongSetupCodeIsRefusedAndTheSessionRetries) {
  confirmed_user("alice@example.com");
  auto setup = password("alice@example.com");
  auto associated = associate({std::nullopt, setup->session});
  auto secret = *base32_decode(associated->secret_code);
  const auto right = mfa::totp_code(secret, clock_.now());
  const std::string wrong = right == "000000" ? "000001" : "000000";
  auto miss = verify({std::nullopt, associated->session}, wrong);
  EXPECT_EQ(miss.error().code, errc::enable_software_token_mfa);
  EXPECT_EQ(miss.error().message, "Code mismatch and fail enable Software Token MFA");
  EXPECT_TRUE(verify({std::nullopt, associated->session}, right));
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
  set_settings(mode_settings(mfa_mode::optional));
  confirmed_user("alice@example.com");
  auto first = password("alice@example.com");
  ASSERT_TRUE(first && first->tokens);
  auto access = first->tokens->access_token;
  auto associated = associate({access, std::nullopt});
  ASSERT_TRUE(associated);
  EXPECT_TRUE(associated->session.empty());
  auto secret = *base32_decode(associated->secret_code);
  ASSERT_TRUE(verify({access, std::nullopt}, mfa::totp_code(secret, clock_.now())));
  ASSERT_TRUE(set_mfa_preference(access, mfa_preference{true, true}, std::nullopt, std::nullopt));
  EXPECT_EQ(password("alice@example.com")->challenge_name, "SOFTWARE_TOKEN_MFA");
}

TEST_F(SignInTest, OffModeGivesTokensAndRefusesTotp) {
  set_settings(mode_settings(mfa_mode::off));
  confirmed_user("alice@example.com");
  auto first = password("alice@example.com");
  ASSERT_TRUE(first && first->tokens);
  auto refused = associate({first->tokens->access_token, std::nullopt});
  EXPECT_EQ(refused.error().code, errc::software_token_mfa_not_found);
}

TEST_F(SignInTest, TheClientsFlowsDecideWhichSignInsItMayStart) {
  set_settings(mode_settings(mfa_mode::off));
  confirmed_user("alice@example.com");
  change_client([](store::client_record& c) { c.auth_flows = {"ALLOW_USER_SRP_AUTH"}; });
  EXPECT_EQ(password("alice@example.com").error().message,
            "USER_PASSWORD_AUTH flow not enabled for this client");
  auto tokens = srp("alice@example.com");
  ASSERT_TRUE(tokens && tokens->tokens);
  EXPECT_EQ(initiate_auth("client1", "REFRESH_TOKEN_AUTH",
                          {{"REFRESH_TOKEN", tokens->tokens->refresh_token}})
                .error()
                .message,
            "REFRESH_TOKEN_AUTH flow not enabled for this client");
  change_client([](store::client_record& c) { c.auth_flows = {"ALLOW_USER_PASSWORD_AUTH"}; });
  EXPECT_EQ(srp("alice@example.com").error().message,
            "USER_SRP_AUTH flow not enabled for this client");
  EXPECT_TRUE(password("alice@example.com"));
}

TEST_F(SignInTest, TheClientsTokenLifetimesAreTheTokens) {
  set_settings(mode_settings(mfa_mode::off));
  confirmed_user("alice@example.com");
  change_client([](store::client_record& c) {
    c.access_token_validity = 300;
    c.id_token_validity = 900;
    c.refresh_token_validity = 3600;
  });
  auto tokens = *password("alice@example.com")->tokens;
  EXPECT_EQ(tokens.expires_in, 300);
  auto access = keys().verify(tokens.access_token)->payload;
  auto id = keys().verify(tokens.id_token)->payload;
  EXPECT_EQ(access.at("exp").as_int64() - access.at("iat").as_int64(), 300);
  EXPECT_EQ(id.at("exp").as_int64() - id.at("iat").as_int64(), 900);
  clock_.advance(3601s);
  EXPECT_EQ(refresh(tokens.refresh_token).error().message, "Refresh Token has expired");
}

TEST_F(SignInTest, WithoutPreventUserExistenceErrorsAnUnknownNameIsSaidToBeUnknown) {
  change_client([](store::client_record& c) { c.prevent_user_existence_errors = false; });
  auto by_password = password("ghost@example.com");
  EXPECT_EQ(by_password.error().code, errc::user_not_found);
  EXPECT_EQ(by_password.error().message, "User does not exist.");
  EXPECT_EQ(srp("ghost@example.com").error().code, errc::user_not_found);
  confirmed_user("alice@example.com");
  EXPECT_EQ(password("alice@example.com", "Wrong0rd!").error().code, errc::not_authorized);
}

// Two pools in one database: users, Sessions and tokens stay in their own pool.
TEST_F(SignInTest, TwoPoolsKeepTheirUsersSessionsAndTokensApart) {
  set_settings(mode_settings(mfa_mode::off));
  ASSERT_TRUE(store_.transact([](store::transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.directory().insert_pool({.id = "eu-west-1_Other",
                                                .name = "other",
                                                .settings_json = "{}",
                                                .created_at = from_unix(5)}));
    return tx.directory().insert_client(
        {.id = "client2",
         .pool_id = "eu-west-1_Other",
         .auth_flows = {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH",
                        "ALLOW_REFRESH_TOKEN_AUTH"},
         .created_at = from_unix(5)});
  }));
  ASSERT_TRUE(directory_.refresh());
  const auto& other = client("client2");
  const auto mine = confirmed_user("alice@example.com");
  auto theirs = registration_.sign_up(other, {"alice@example.com", "Other-Passw0rd!", {}});
  ASSERT_TRUE(theirs);  // the same email is another user in another pool
  EXPECT_NE(theirs->user_sub, mine);
  ASSERT_TRUE(registration_.confirm_sign_up(other, "alice@example.com", last_code()));

  auto here = password("alice@example.com");
  ASSERT_TRUE(here && here->tokens);
  EXPECT_FALSE(auth_.flow.initiate_auth(
      other, "USER_PASSWORD_AUTH", {{"USERNAME", "alice@example.com"}, {"PASSWORD", "Passw0rd!"}}));
  auto there = auth_.flow.initiate_auth(
      other, "USER_PASSWORD_AUTH",
      {{"USERNAME", "alice@example.com"}, {"PASSWORD", "Other-Passw0rd!"}});
  ASSERT_TRUE(there && there->tokens);

  // Each token names its pool by its issuer and is verified by that pool's keys.
  auto me = check(here->tokens->access_token);
  ASSERT_TRUE(me);
  EXPECT_EQ(me->pool->id, testing::test_pool_id);
  EXPECT_EQ(me->user.id, mine);
  auto them = check(there->tokens->access_token);
  ASSERT_TRUE(them);
  EXPECT_EQ(them->pool->id, "eu-west-1_Other");
  EXPECT_EQ(them->user.id, theirs->user_sub);
  EXPECT_FALSE(pool().keys->verify(there->tokens->access_token));
  // A refresh token and a Session work only through the client they were issued to.
  EXPECT_EQ(auth_.tokens.refresh(other, here->tokens->refresh_token, {}).error().message,
            "Invalid Refresh Token");
  set_settings(mode_settings(mfa_mode::required));
  auto setup = password("alice@example.com");
  ASSERT_EQ(setup->challenge_name, "MFA_SETUP");
  EXPECT_EQ(
      auth_.flow.respond_to_auth_challenge(other, "MFA_SETUP", setup->session, {}).error().message,
      "Invalid session for the user.");
}

TEST_F(SignInTest, TokensCarryCognitosClaims) {
  set_settings(mode_settings(mfa_mode::off));
  auto id = confirmed_user("alice@example.com");
  auto tokens = *password("alice@example.com")->tokens;
  auto access = keys().verify(tokens.access_token)->payload;
  auto id_token = keys().verify(tokens.id_token)->payload;
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
  set_settings(mode_settings(mfa_mode::off));
  confirmed_user("alice@example.com");
  auto tokens = *password("alice@example.com")->tokens;
  clock_.advance(10min);
  auto refreshed = refresh(tokens.refresh_token);
  ASSERT_TRUE(refreshed);
  EXPECT_TRUE(refreshed->refresh_token.empty());
  auto claims = keys().verify(refreshed->access_token)->payload;
  auto original = keys().verify(tokens.access_token)->payload;
  EXPECT_EQ(claims.at("origin_jti"), original.at("origin_jti"));
  EXPECT_EQ(claims.at("auth_time"), original.at("auth_time"));

  EXPECT_EQ(revoke(tokens.access_token).error().code, errc::unsupported_token_type);
  ASSERT_TRUE(revoke(tokens.refresh_token));
  EXPECT_EQ(refresh(tokens.refresh_token).error().message, "Refresh Token has been revoked");
  EXPECT_EQ(get_user(refreshed->access_token).error().message, "Access Token has been revoked");
  EXPECT_EQ(refresh("crnonsense").error().message, "Invalid Refresh Token");
  // The revocation is in the audit trail, once (revoking again changes nothing).
  ASSERT_TRUE(revoke(tokens.refresh_token));
  auto rows = store::in_read(store_, [](store::transaction& tx) {
    return tx.audit().search(testing::test_pool_id, "", time_point{}, 100);
  });
  ASSERT_TRUE(rows);
  const auto revoked = std::count_if(rows->begin(), rows->end(), [](const store::audit_record& r) {
    return r.event == "revoke_token";
  });
  EXPECT_EQ(revoked, 1);
}

TEST_F(SignInTest, GlobalSignOutRevokesEverySession) {
  set_settings(mode_settings(mfa_mode::off));
  confirmed_user("alice@example.com");
  auto one = *password("alice@example.com")->tokens;
  auto two = *password("alice@example.com")->tokens;
  ASSERT_TRUE(global_sign_out(one.access_token));
  EXPECT_EQ(get_user(two.access_token).error().message, "Access Token has been revoked");
  EXPECT_FALSE(refresh(two.refresh_token));
  auto three = *password("alice@example.com")->tokens;  // signing in again works
  EXPECT_TRUE(get_user(three.access_token));
}

TEST_F(SignInTest, ExpiredOrTamperedAccessTokensAreRefused) {
  set_settings(mode_settings(mfa_mode::off));
  confirmed_user("alice@example.com");
  auto tokens = *password("alice@example.com")->tokens;
  auto tampered = tokens.access_token;
  tampered[tampered.find('.') + 5] ^= 1;
  EXPECT_EQ(get_user(tampered).error().message, "Invalid Access Token");
  EXPECT_EQ(get_user(tokens.id_token).error().message, "Invalid Access Token");
  clock_.advance(1h);
  EXPECT_EQ(get_user(tokens.access_token).error().message, "Access Token has expired");
  clock_.advance(30 * 24h);
  EXPECT_EQ(refresh(tokens.refresh_token).error().message, "Refresh Token has expired");
}

TEST_F(SignInTest, RotatedKeyIsPublishedFirstSignsAfterADelayAndTheOldOneLingers) {
  set_settings(mode_settings(mfa_mode::off));
  confirmed_user("alice@example.com");
  auto before = *password("alice@example.com")->tokens;
  auto old_kid = std::string(keys().verify(before.access_token)->header.at("kid").as_string());
  auto rotated = signing_keys::rotate(store_, sealer_, "us-east-1_TestPool1", clock_);
  ASSERT_TRUE(rotated);

  // Published at once (every node's JWKS lists it after its next reload) but not signing yet.
  clock_.advance(2s);
  keys().reload();
  EXPECT_EQ(keys().jwks().at("keys").as_array().size(), 2u);
  auto during = *password("alice@example.com")->tokens;
  EXPECT_EQ(keys().verify(during.access_token)->header.at("kid").as_string(), old_kid);

  // After the publish delay the new key signs; tokens of the old key stay valid.
  clock_.advance(signing_keys::publish_delay);
  keys().reload();
  auto after = *password("alice@example.com")->tokens;
  EXPECT_EQ(keys().verify(after.access_token)->header.at("kid").as_string(), *rotated);
  EXPECT_TRUE(get_user(during.access_token));

  // A node that has not reloaded yet verifies a token of the new key by reloading at once.
  signing_keys stale(store_, sealer_, "us-east-1_TestPool1", clock_, std::chrono::hours(1));
  EXPECT_TRUE(stale.verify(after.access_token));

  clock_.advance(1h + 6min);  // every token of the old key has expired
  keys().reload();
  auto jwks = keys().jwks().at("keys").as_array();
  ASSERT_EQ(jwks.size(), 1u);
  EXPECT_EQ(jwks[0].at("kid").as_string(), *rotated);
}

// Every transaction run twice, the first run rolled back, as PostgreSQL does after a
// serialization failure: answers and stored state must be those of one run.
class SignInUnderRerunsTest : public SignInTest {
 protected:
  SignInUnderRerunsTest() { reruns_.rerun = true; }

  // Another node turns TOTP on for the user (a secret only this test knows).
  bytes enable_totp(const std::string& user_id) {
    auto secret = mfa::new_totp_secret();
    auto ok = store_.transact([&](store::transaction& tx) {
      return tx.factors().put({.pool_id = testing::test_pool_id,
                               .user_id = user_id,
                               .id = "totp",
                               .kind = "totp",
                               .secret_sealed = sealer_.seal(secret, "user:" + user_id + ":totp"),
                               .enabled = true,
                               .preferred = true});
    });
    EXPECT_TRUE(ok);
    return secret;
  }
};

TEST_F(SignInUnderRerunsTest, TheWholeJourneyGivesTheSameAnswers) {
  confirmed_user("alice@example.com");
  auto [secret, tokens] = set_up_totp(*srp("alice@example.com"));
  EXPECT_TRUE(get_user(tokens.access_token));
  EXPECT_TRUE(refresh(tokens.refresh_token));
  clock_.advance(30s);
  auto challenge = password("alice@example.com");
  ASSERT_TRUE(challenge);
  ASSERT_EQ(challenge->challenge_name, "SOFTWARE_TOKEN_MFA");
  const auto right = mfa::totp_code(secret, clock_.now());
  const std::string wrong = right == "000000" ? "000001" : "000000";
  for (int i = 0; i < 4; ++i) {  // counted once each: the Session survives four
    EXPECT_EQ(
        respond("SOFTWARE_TOKEN_MFA", challenge->session, {{"SOFTWARE_TOKEN_MFA_CODE", wrong}})
            .error()
            .code,
        errc::code_mismatch);
  }
  auto done =
      respond("SOFTWARE_TOKEN_MFA", challenge->session, {{"SOFTWARE_TOKEN_MFA_CODE", right}});
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_TRUE(done->tokens);
  EXPECT_TRUE(global_sign_out(done->tokens->access_token));
  EXPECT_EQ(get_user(done->tokens->access_token).error().message, "Access Token has been revoked");
  EXPECT_GT(reruns_.reruns(), 15);
}

TEST_F(SignInUnderRerunsTest, EachPasswordAttemptIsCountedOnce) {
  set_settings(mode_settings(mfa_mode::off));
  confirmed_user("alice@example.com");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(password("alice@example.com", "Wrong0rd!").error().message,
              "Incorrect username or password.");
  }
  EXPECT_TRUE(password("alice@example.com"));  // four failures, not eight: no lock
  for (int i = 0; i < 5; ++i) {
    (void)password("alice@example.com", "Wrong0rd!");
  }
  EXPECT_EQ(password("alice@example.com").error().message, "Password attempts exceeded");
}

// The step after a right password is prepared from the account as the attempt read it. If the
// account changes before the transaction that stores the step runs again, the answer must be
// the step that second run stored: here TOTP turned on meanwhile, so a SOFTWARE_TOKEN_MFA
// challenge whose Session works — not the tokens the first, rolled-back run stored.
TEST_F(SignInUnderRerunsTest, TheAnswerIsWhatTheLastRunStored) {
  set_settings(mode_settings(mfa_mode::optional));
  const auto id = confirmed_user("alice@example.com");
  bytes secret;
  // The next transaction is the attempt's count; the one after it stores the next step.
  reruns_.between = [&] { reruns_.between = [&] { secret = enable_totp(id); }; };
  auto step = password("alice@example.com");
  ASSERT_TRUE(step) << step.error().message;
  ASSERT_EQ(step->challenge_name, "SOFTWARE_TOKEN_MFA");
  EXPECT_FALSE(step->tokens);
  auto done = respond("SOFTWARE_TOKEN_MFA", step->session,
                      {{"SOFTWARE_TOKEN_MFA_CODE", mfa::totp_code(secret, clock_.now())}});
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_TRUE(refresh(done->tokens->refresh_token));
}

// A name no user has is counted like a user (a decoy): the same sequence of answers, locked after
// the same failures, across both password flows.
TEST_F(SignInTest, AnUnknownNameIsLockedOutAfterTheSameFailuresAsAUser) {
  confirmed_user("alice@example.com");
  auto sequence = [&](const std::string& name) {
    std::vector<std::string> answers;
    for (int i = 0; i < 4; ++i) {
      answers.push_back(password(name, "Wrong0rd!").error().message);
      answers.push_back(srp(name, "Wrong0rd!").error().message);
    }
    return answers;
  };
  const auto known = sequence("alice@example.com");
  const auto unknown = sequence("nobody@example.com");
  EXPECT_EQ(known, unknown);
  EXPECT_EQ(known[4], "Incorrect username or password.");
  EXPECT_EQ(known[5], "Password attempts exceeded");
  EXPECT_EQ(known.back(), "Password attempts exceeded");
  // After the lock: one more failure each, and a longer lock for both.
  clock_.advance(31s);
  EXPECT_EQ(password("alice@example.com", "Wrong0rd!").error().message,
            password("nobody@example.com", "Wrong0rd!").error().message);
  clock_.advance(31s);
  EXPECT_EQ(password("nobody@example.com", "Wrong0rd!").error().message,
            "Password attempts exceeded");
}

TEST_F(SignInTest, ParallelGuessesAtAnUnknownNameCannotExceedTheThresholdEither) {
  std::vector<std::future<std::string>> guesses;
  for (int i = 0; i < 20; ++i) {
    guesses.push_back(std::async(std::launch::async, [&] {
      return password("nobody@example.com", "Wrong0rd!").error().message;
    }));
  }
  int evaluated = 0;
  for (auto& g : guesses) {
    evaluated += g.get() == "Incorrect username or password." ? 1 : 0;
  }
  EXPECT_EQ(evaluated, 5);
}

// An attacker cannot keep a user out for long: however many failures, the lock stays at most
// 15 minutes, and the right password (then the MFA step) works as soon as it ends.
TEST_F(SignInTest, TheLockIsCappedAndTheRightPasswordWorksWhenItEnds) {
  confirmed_user("alice@example.com");
  for (int i = 0; i < 40; ++i) {
    (void)password("alice@example.com", "Wrong0rd!");
    clock_.advance(16min);  // past any lock: every guess is counted and doubles the next lock
  }
  (void)password("alice@example.com", "Wrong0rd!");
  clock_.advance(15min - 1s);
  EXPECT_EQ(password("alice@example.com").error().message, "Password attempts exceeded");
  clock_.advance(2s);
  auto signed_in = password("alice@example.com");
  ASSERT_TRUE(signed_in) << signed_in.error().message;
  EXPECT_EQ(signed_in->challenge_name, "MFA_SETUP");
}

TEST_F(SignInTest, FailuresLeftAloneForAnHourAreForgotten) {
  confirmed_user("alice@example.com");
  for (int i = 0; i < 4; ++i) {
    (void)password("alice@example.com", "Wrong0rd!");
    (void)password("nobody@example.com", "Wrong0rd!");
  }
  clock_.advance(61min);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(password("alice@example.com", "Wrong0rd!").error().message,
              "Incorrect username or password.");
    EXPECT_EQ(password("nobody@example.com", "Wrong0rd!").error().message,
              "Incorrect username or password.");
  }
  EXPECT_TRUE(password("alice@example.com"));
}

}  // namespace
}  // namespace cognate::auth

namespace cognate::auth {
namespace {

// Each step with a password or a code is an audit event with where the call came from, written
// as the lockout counts it: the password step as failed when counted, then settled; a code's
// step on its own. AdminListUserAuthEvents lists them, newest first, page by page.
TEST_F(SignInTest, EachStepIsAnAuditEventWithTheCallersAddressAndUserAgent) {
  confirmed_user("alice@example.com");
  const call_origin from{.ip = "203.0.113.7", .user_agent = "TestAgent/1.0 \x01\xff"};
  auto sign_in = [&](const std::string& name, const std::string& pw) {
    return auth_.flow.initiate_auth(client(), "USER_PASSWORD_AUTH",
                                    {{"USERNAME", name}, {"PASSWORD", pw}}, from);
  };
  EXPECT_FALSE(sign_in("alice@example.com", "Wrong0rd!"));
  auto setup = sign_in("alice@example.com", "Passw0rd!");
  ASSERT_TRUE(setup);
  const auto secret = set_up_totp(*setup).first;  // its last step from nowhere in particular
  clock_.advance(30s);
  auto challenge = sign_in("alice@example.com", "Passw0rd!");
  ASSERT_TRUE(challenge);
  const auto right = mfa::totp_code(secret, clock_.now());
  const std::string wrong = right == "000000" ? "000001" : "000000";
  auto answer = [&](const std::string& code) {
    return auth_.flow.respond_to_auth_challenge(client(), "SOFTWARE_TOKEN_MFA", challenge->session,
                                                {{"SOFTWARE_TOKEN_MFA_CODE", code}}, from);
  };
  EXPECT_FALSE(answer(wrong));
  ASSERT_TRUE(answer(right));
  EXPECT_FALSE(sign_in("ghost@example.com", "Wrong0rd!"));

  auto listed = auth_.admin.auth_events(pool(), "alice@example.com", 60, "");
  ASSERT_TRUE(listed) << listed.error().message;
  EXPECT_EQ(listed->next_token, "");
  std::vector<std::string> seen;
  for (const auto& e : listed->events) {
    std::string line = e.type + " " + e.response;
    for (const auto& [name, verdict] : e.challenges) {
      line += " " + name + ":" + verdict;
    }
    line += e.ip.empty() ? "" : " @" + e.ip + " " + e.device;
    seen.push_back(line);
  }
  const std::string where = " @203.0.113.7 TestAgent/1.0 ??";
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "SignIn Pass Password:Success Mfa:Success" + where,
                      "SignIn Fail Password:Success Mfa:Failure" + where,
                      "SignIn InProgress Password:Success" + where,
                      "SignIn Pass Password:Success Mfa:Success",  // MFA_SETUP answered
                      "SignIn InProgress Password:Success" + where,
                      "SignIn Fail Password:Failure" + where,
                      "SignUp Pass",
                  }));

  // Page by page: the same events, in the same order.
  std::vector<std::string> ids;
  std::string token;
  int pages = 0;
  do {
    auto page = auth_.admin.auth_events(pool(), "alice@example.com", 3, token);
    ASSERT_TRUE(page) << page.error().message;
    for (const auto& e : page->events) {
      ids.push_back(e.id);
    }
    token = page->next_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(ids.size(), listed->events.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(ids[i], listed->events[i].id);
  }
  auto first = auth_.admin.auth_events(pool(), "alice@example.com", 3, "");
  confirmed_user("bob@example.com");
  EXPECT_EQ(auth_.admin.auth_events(pool(), "bob@example.com", 3, first->next_token).error().message,
            "Invalid NextToken.");
  EXPECT_EQ(auth_.admin.auth_events(pool(), "alice@example.com", 3, "bm90IGEgdG9rZW4").error().message,
            "Invalid NextToken.");
  EXPECT_EQ(auth_.admin.auth_events(pool(), "nobody@example.com", 3, "").error().code,
            errc::user_not_found);

  // The unknown name's attempt: an event without a user, and without the name typed.
  auto rows = store::in_read(store_, [](store::transaction& tx) {
    return tx.audit().search(testing::test_pool_id, "", time_point{}, 100);
  });
  ASSERT_TRUE(rows);
  int unknown = 0;
  for (const auto& r : *rows) {
    if (r.user_id.empty() && r.event == "sign_in") {
      ++unknown;
      EXPECT_NE(r.detail.find(R"("failure":"unknown_user")"), std::string::npos) << r.detail;
      EXPECT_NE(r.detail.find(R"("ip":"203.0.113.7")"), std::string::npos) << r.detail;
      EXPECT_EQ(r.detail.find("ghost"), std::string::npos) << r.detail;
    }
  }
  EXPECT_EQ(unknown, 1);
}

// While locked, an attempt is an event too, failed as "locked", its password not checked.
TEST_F(SignInTest, AttemptsWhileLockedAreAuditedAsLocked) {
  confirmed_user("alice@example.com");
  for (int i = 0; i < 5; ++i) {
    (void)password("alice@example.com", "Wrong0rd!");
  }
  EXPECT_EQ(password("alice@example.com").error().message, "Password attempts exceeded");
  auto rows = store::in_read(store_, [](store::transaction& tx) {
    return tx.audit().search(testing::test_pool_id, "", time_point{}, 1);
  });
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].event, "sign_in");
  EXPECT_EQ((*rows)[0].detail, R"({"response":"Fail","failure":"locked","client":")" +
                                   client().record.id + R"("})");
}

}  // namespace
}  // namespace cognate::auth
