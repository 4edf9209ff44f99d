// Minting a sign-in's tokens with Cognito's claims, and reading an access token presented back.
#include "token/access_token.h"
#include "token/issuer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace cognate::token {
namespace {

using namespace std::chrono_literals;

class IssuerTest : public ::testing::Test {
 protected:
  IssuerTest() {
    std::vector<rsa_key> keys;
    keys.push_back(rsa_key::generate());
    ring_.emplace(std::move(keys));
  }

  issued_tokens issue(time_point now = from_unix(1'800'000'000)) {
    return issue_tokens(
        *ring_, "http://h/us-east-1_P",
        {.sub = "u-1",
         .attributes = {{"email", "a@x.com"}, {"email_verified", "true"}, {"sub", "ignored"}},
         .client_id = "c1",
         .origin_jti = "j1",
         .auth_time = from_unix(1'799'999'000)},
        {.access = 600s, .id = 900s}, now);
  }

  std::optional<keyring> ring_;
};

TEST_F(IssuerTest, AccessAndIdTokensCarryCognitosClaims) {
  auto t = issue();
  EXPECT_EQ(t.expires_in, 600s);
  auto access = ring_->verify(t.access_token)->payload;
  EXPECT_EQ(access.at("token_use").as_string(), "access");
  EXPECT_EQ(access.at("sub").as_string(), "u-1");
  EXPECT_EQ(access.at("username").as_string(), "u-1");
  EXPECT_EQ(access.at("client_id").as_string(), "c1");
  EXPECT_EQ(access.at("origin_jti").as_string(), "j1");
  EXPECT_EQ(access.at("scope").as_string(), "aws.cognito.signin.user.admin");
  EXPECT_EQ(access.at("iss").as_string(), "http://h/us-east-1_P");
  EXPECT_EQ(access.at("auth_time").as_int64(), 1'799'999'000);
  EXPECT_EQ(access.at("exp").as_int64() - access.at("iat").as_int64(), 600);
  auto id = ring_->verify(t.id_token)->payload;
  EXPECT_EQ(id.at("token_use").as_string(), "id");
  EXPECT_EQ(id.at("aud").as_string(), "c1");
  EXPECT_EQ(id.at("cognito:username").as_string(), "u-1");
  EXPECT_EQ(id.at("sub").as_string(), "u-1");  // not the attribute
  EXPECT_EQ(id.at("email").as_string(), "a@x.com");
  EXPECT_TRUE(id.at("email_verified").as_bool());  // a JSON boolean
  EXPECT_EQ(id.at("exp").as_int64() - id.at("iat").as_int64(), 900);
  EXPECT_EQ(id.at("event_id"), access.at("event_id"));
  EXPECT_NE(id.at("jti"), access.at("jti"));
}

TEST_F(IssuerTest, AnAccessTokenIsReadOnlyFromItsIssuerBeforeItExpires) {
  const auto now = from_unix(1'800'000'000);
  auto t = issue(now);
  EXPECT_EQ(unverified_issuer(t.access_token), "http://h/us-east-1_P");
  auto jwt = ring_->verify(t.access_token);
  auto claims = read_access_claims(*jwt, "http://h/us-east-1_P", now + 10s);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->sub, "u-1");
  EXPECT_EQ(claims->client_id, "c1");
  EXPECT_EQ(claims->origin_jti, "j1");
  EXPECT_EQ(claims->auth_time, from_unix(1'799'999'000));
  EXPECT_EQ(read_access_claims(*jwt, "http://h/other", now).error().message,
            "Invalid Access Token");
  EXPECT_EQ(read_access_claims(*jwt, "http://h/us-east-1_P", now + 600s).error().message,
            "Access Token has expired");
  auto id = ring_->verify(t.id_token);
  EXPECT_EQ(read_access_claims(*id, "http://h/us-east-1_P", now).error().message,
            "Invalid Access Token");
}

// Claims beyond what a clock holds (fuzzing finding 2, docs/security.md): refused, never
// converted (the conversion would overflow).
TEST(AccessToken, InstantsBeyondWhatAClockHoldsAreRefused) {
  const auto now = from_unix(1'800'000'000);
  const auto token = [](boost::json::value exp, boost::json::value auth_time) {
    verified_jwt jwt;
    jwt.payload = {{"token_use", "access"}, {"iss", "http://h/p"}, {"sub", "u-1"},
                   {"exp", exp}, {"auth_time", auth_time}};
    return jwt;
  };
  const std::int64_t far = 9'300'000'000;  // seconds: past year 2262
  for (const auto& [exp, auth_time] : std::vector<std::pair<boost::json::value, boost::json::value>>{
           {far, 1'799'999'000}, {1'800'000'600, far}, {1'800'000'600, -far},
           {INT64_MAX, 0}, {1'800'000'600, "soon"}}) {
    auto claims = read_access_claims(token(exp, auth_time), "http://h/p", now);
    ASSERT_FALSE(claims) << boost::json::serialize(exp) << " " << boost::json::serialize(auth_time);
    EXPECT_EQ(claims.error().message, "Invalid Access Token");
  }
  auto fine = read_access_claims(token(1'800'000'600, 1'799'999'000), "http://h/p", now);
  ASSERT_TRUE(fine) << fine.error().message;
  EXPECT_EQ(fine->expires_at, from_unix(1'800'000'600));
}

TEST(AccessToken, UnverifiedIssuerIsEmptyForGarbage) {
  for (const char* token : {"", "abc", "a.b", "a.!!!.c", "e30.e30.x", "e30.W10.x"}) {
    EXPECT_EQ(unverified_issuer(token), "") << token;
  }
  EXPECT_EQ(unverified_issuer("e30.eyJpc3MiOiJ4In0.sig"), "x");  // {} . {"iss":"x"}
}

}  // namespace
}  // namespace cognate::token
