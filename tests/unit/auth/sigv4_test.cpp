// AWS Signature V4 verification against the two requests captured from real clients in protocol
// doc cognito-admin-api.md §2.6 (AWS CLI v1 admin-get-user; SDK v3 AdminCreateUser with a session
// token), recomputed here, and every way a request can fail the operator guard.
#include "auth/operator_guard.h"
#include "auth/sigv4.h"

#include "common/reasons.h"
#include "common/random.h"
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace cognate::auth {
namespace {

using header_vector = std::vector<std::pair<std::string_view, std::string_view>>;

constexpr std::string_view secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::int64_t captured_at = 1795914765;  // 2026-11-29T01:12:45Z

// A: AWS CLI v1 1.45.11 admin-get-user, headers as received.
constexpr std::string_view body_a = R"({"UserPoolId": "us-east-1_Ab12Cd34E", "Username": "alice"})";
header_vector headers_a(std::string_view authorization =
                            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/cognito-idp/"
                            "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                            "Signature=69a165e5f6a6c8931486d1cf3ad147e6251319e9a1e3eb3c96b89186e98908e0") {
  return {{"Host", "127.0.0.1:18765"},
          {"Accept-Encoding", "identity"},
          {"X-Amz-Target", "AWSCognitoIdentityProviderService.AdminGetUser"},
          {"Content-Type", "application/x-amz-json-1.1"},
          {"User-Agent", "aws-cli/1.45.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.18.44-fc-v669"},
          {"X-Amz-Date", "20261129T011242Z"},
          {"Authorization", authorization},
          {"amz-sdk-invocation-id", "67f8e90e-6ccd-4603-97c0-7cf440196545"},
          {"amz-sdk-request", "attempt=1"},
          {"Content-Length", "58"}};
}

// B: SDK v3 3.1169.0 AdminCreateUserCommand with a session token.
constexpr std::string_view body_b =
    R"({"UserPoolId":"us-east-1_Ab12Cd34E","Username":"alice","UserAttributes":[{"Name":"email","Value":"alice@example.com"}],"MessageAction":"SUPPRESS"})";
const header_vector headers_b = {
    {"content-type", "application/x-amz-json-1.1"},
    {"x-amz-target", "AWSCognitoIdentityProviderService.AdminCreateUser"},
    {"content-length", "146"},
    {"x-amz-user-agent", "aws-sdk-js/3.1168.0"},
    {"user-agent", "aws-sdk-js/3.1168.0 ua/2.1 os/linux#6.18.44-fc-v669 lang/js md/nodejs#20.20.2 "
                   "api/cognito-identity-provider#3.1168.0 m/N,E,e"},
    {"host", "127.0.0.1:18765"},
    {"amz-sdk-invocation-id", "19afbb56-aa59-42c7-8ad0-1960396e2059"},
    {"amz-sdk-request", "attempt=1; max=3"},
    {"x-amz-date", "20261129T011259Z"},
    {"x-amz-security-token", "FQoGZXIvYXdzEXAMPLETOKEN"},
    {"x-amz-content-sha256", "9ca1bfe65661b4f6fead3cac15bdcdae19f3f8a84102ffeaee34188bd589c10b"},
    {"authorization",
     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/cognito-idp/aws4_request, "
     "SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;"
     "x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target;x-amz-user-agent, "
     "Signature=2b6e10b00ed3eb3f85dc388a96f8c1388b918712341ac985ef9785a40cd3ce82"},
    {"Connection", "keep-alive"}};

std::string recompute(const header_vector& headers, std::string_view body, std::string_view key_secret) {
  std::string_view authorization;
  std::string_view amz_date;
  for (const auto& [n, v] : headers) {
    if (n == "Authorization" || n == "authorization") authorization = v;
    if (n == "X-Amz-Date" || n == "x-amz-date") amz_date = v;
  }
  auto a = sigv4::parse_authorization(authorization);
  EXPECT_TRUE(a) << a.error().message;
  const sigv4::request r{.method = "POST", .path = "/", .query = "", .headers = headers, .body = body};
  auto canonical = sigv4::canonical_request(r, a->signed_headers, a->signed_headers_text,
                                            sigv4::hex_sha256(body));
  EXPECT_TRUE(canonical);
  const auto key = sigv4::signing_key(key_secret, a->date, a->region, a->service);
  return sigv4::signature(key, sigv4::string_to_sign(amz_date, "20261129/us-east-1/cognito-idp/aws4_request",
                                                     *canonical));
}

TEST(SigV4, RecomputesTheAwsCliCapture) {
  const auto headers = headers_a();
  auto a = sigv4::parse_authorization(headers[6].second);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(a->date, "20261129");
  EXPECT_EQ(a->region, "us-east-1");
  EXPECT_EQ(a->service, "cognito-idp");
  EXPECT_EQ(a->signed_headers, (std::vector<std::string>{"content-type", "host", "x-amz-date", "x-amz-target"}));
  const sigv4::request r{.method = "POST", .path = "/", .query = "", .headers = headers, .body = body_a};
  const auto payload = sigv4::hex_sha256(body_a);
  EXPECT_EQ(payload, "6b85d6bf8be2aaed77bc6a8e9a183e85c339bd98e4f6ffbe25ea555afcb152ae");
  auto canonical = sigv4::canonical_request(r, a->signed_headers, a->signed_headers_text, payload);
  ASSERT_TRUE(canonical);
  EXPECT_EQ(*canonical,
            "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:127.0.0.1:18765\n"
            "x-amz-date:20261129T011242Z\nx-amz-target:AWSCognitoIdentityProviderService.AdminGetUser\n\n"
            "content-type;host;x-amz-date;x-amz-target\n" + payload);
  EXPECT_EQ(sigv4::hex_sha256(*canonical), "6c64fa951eb921ab97491602d2f617c0ac9bf24276a181f933e925412a57a83d");
  const auto key = sigv4::signing_key(secret, "20261129", "us-east-1", "cognito-idp");
  EXPECT_EQ(hex_encode(as_bytes(key)), "568278ed196a0cfc3b91179f5c86d303c8a1e760a5f4cb2dced77a036dac23ca");
  EXPECT_EQ(recompute(headers, body_a, secret), a->signature);
  // A one-character-wrong secret or body gives another signature.
  EXPECT_NE(recompute(headers, body_a, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEX"), a->signature);
  std::string changed(body_a);
  changed[changed.size() - 3] = 'b';
  EXPECT_NE(recompute(headers, changed, secret), a->signature);
}

TEST(SigV4, RecomputesTheSdkV3CaptureWithItsTenSignedHeaders) {
  EXPECT_EQ(sigv4::hex_sha256(body_b), "9ca1bfe65661b4f6fead3cac15bdcdae19f3f8a84102ffeaee34188bd589c10b");
  EXPECT_EQ(recompute(headers_b, body_b, secret),
            "2b6e10b00ed3eb3f85dc388a96f8c1388b918712341ac985ef9785a40cd3ce82");
}

TEST(SigV4, MalformedAuthorizationHeadersAreIncompleteSignatures) {
  for (std::string_view bad : {
           "AWS4-HMAC-SHA1 Credential=A/20261129/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00",
           "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=0000000000000000000000000000000000000000000000000000000000000000",
           "AWS4-HMAC-SHA256 Credential=A/20261129/us-east-1/cognito-idp/aws4_request, Signature=0000000000000000000000000000000000000000000000000000000000000000",
           "AWS4-HMAC-SHA256 Credential=A/20261129/us-east-1/cognito-idp/aws4_request, SignedHeaders=host",
           "AWS4-HMAC-SHA256 Credential=A/2026/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=0000000000000000000000000000000000000000000000000000000000000000",
           "AWS4-HMAC-SHA256 Credential=A/20261129/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=XYZ",
           "AWS4-HMAC-SHA256 Credential=A/20261129/us-east-1/cognito-idp/aws4_request, Credential=B, SignedHeaders=host, Signature=0000000000000000000000000000000000000000000000000000000000000000",
       }) {
    auto a = sigv4::parse_authorization(bad);
    ASSERT_FALSE(a) << bad;
    EXPECT_EQ(a.error().code, errc::incomplete_signature) << bad;
  }
  auto missing = sigv4::parse_authorization(
      "AWS4-HMAC-SHA256 Credential=A/20261129/us-east-1/cognito-idp/aws4_request, SignedHeaders=host");
  EXPECT_EQ(missing.error().message, "Authorization header requires 'Signature' parameter.");
}

class OperatorGuardTest : public ::testing::Test {
 protected:
  OperatorGuardTest()
      : dir_(std::filesystem::temp_directory_path() / ("cognate-guard-" + random_uuid())),
        store_((std::filesystem::create_directories(dir_), dir_ / "db")),
        sealer_(crypto::master_key::from_bytes(random_bytes(32))),
        clock_(from_unix(captured_at)),
        guard_(store_, sealer_, clock_) {
    add_credential("AKIDEXAMPLE", secret);
  }
  ~OperatorGuardTest() override { std::filesystem::remove_all(dir_); }

  void add_credential(const std::string& id, std::string_view key,
                      std::vector<std::string> pools = {}, std::vector<std::string> allow = {}) {
    ASSERT_TRUE(store_.transact([&](store::transaction& tx) {
      return tx.credentials().insert({.access_key_id = id,
                                      .name = "ops",
                                      .secret_sealed = sealer_.seal(as_bytes(key), "credential:" + id),
                                      .pools = pools,
                                      .allow = allow,
                                      .created_at = clock_.now()});
    }));
  }
  result<operator_principal> check(const header_vector& headers, std::string_view body = body_a) {
    const signed_request r{.method = "POST", .path = "/", .query = "", .headers = headers, .body = body};
    return guard_.check(r, regions_);
  }
  static std::string outcome(const result<operator_principal>& r) {
    return r ? "ok " + r->access_key_id
             : std::string(exception_name(r.error().code)) + ": " + r.error().message;
  }

  std::filesystem::path dir_;
  store::sqlite_store store_;
  crypto::sealer sealer_;
  manual_clock clock_;
  operator_guard guard_;
  std::vector<std::string> regions_{"us-east-1"};
};

TEST_F(OperatorGuardTest, AcceptsTheCapturedCliRequestWithinFiveMinutes) {
  EXPECT_EQ(outcome(check(headers_a())), "ok AKIDEXAMPLE");
  clock_.advance(std::chrono::minutes(4));
  EXPECT_EQ(outcome(check(headers_a())), "ok AKIDEXAMPLE");
  clock_.advance(std::chrono::minutes(2));  // 01:18:45, the request says 01:12:42
  EXPECT_EQ(outcome(check(headers_a())),
            "InvalidSignatureException: Signature expired: 20261129T011242Z is now earlier than "
            "20261129T011345Z (20261129T011845Z - 5 min.)");
  clock_.set(from_unix(captured_at - 8 * 60));
  EXPECT_EQ(outcome(check(headers_a())).substr(0, 54), "InvalidSignatureException: Signature not yet current: ");
}

TEST_F(OperatorGuardTest, RefusesEachWayARequestCanBeWrong) {
  EXPECT_EQ(outcome(check({{"Host", "x"}})), "MissingAuthenticationTokenException: Missing Authentication Token");
  // A changed body byte, a changed signed header.
  std::string body(body_a);
  body.back() = ' ';
  EXPECT_EQ(outcome(check(headers_a(), body)).substr(0, 26), "InvalidSignatureException:");
  auto retargeted = headers_a();
  retargeted[2].second = "AWSCognitoIdentityProviderService.AdminDeleteUser";
  EXPECT_EQ(outcome(check(retargeted)),
            "InvalidSignatureException: The request signature we calculated does not match the "
            "signature you provided. Check your AWS Secret Access Key and signing method. Consult "
            "the service documentation for details.");
  // An unknown key, a revoked key, a key with the wrong secret.
  regions_ = {"us-east-1"};
  const std::string sig = "Signature=69a165e5f6a6c8931486d1cf3ad147e6251319e9a1e3eb3c96b89186e98908e0";
  EXPECT_EQ(outcome(check(headers_a("AWS4-HMAC-SHA256 Credential=AKIDOTHER/20261129/us-east-1/cognito-idp/"
                                    "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, " + sig))),
            "UnrecognizedClientException: The security token included in the request is invalid.");
  // The wrong service, region or date in the scope.
  EXPECT_EQ(outcome(check(headers_a("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/"
                                    "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, " + sig))),
            "InvalidSignatureException: Credential should be scoped to correct service: 'cognito-idp'. ");
  EXPECT_EQ(outcome(check(headers_a("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/xx-west-9/cognito-idp/"
                                    "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, " + sig))),
            "InvalidSignatureException: Credential should be scoped to a valid region, not 'xx-west-9'. ");
  EXPECT_EQ(outcome(check(headers_a("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/cognito-idp/"
                                    "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, " + sig)))
                .substr(0, 60),
            "InvalidSignatureException: Date in Credential scope does not");
  // X-Amz-Target not signed: a captured call could be replayed as another operation.
  EXPECT_EQ(outcome(check(headers_a("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/cognito-idp/"
                                    "aws4_request, SignedHeaders=content-type;host;x-amz-date, " + sig))),
            "IncompleteSignatureException: 'x-amz-target' must be a 'SignedHeader' in the AWS Authorization.");
  // A session token (the SDK v3 capture) names a temporary credential Cognate never issued.
  EXPECT_EQ(outcome(check(headers_b, body_b)),
            "UnrecognizedClientException: The security token included in the request is invalid.");
  // Revoked: refused from the next request on.
  ASSERT_TRUE(store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto revoked, tx.credentials().revoke("AKIDEXAMPLE", clock_.now()));
    EXPECT_TRUE(revoked);
    return {};
  }));
  EXPECT_EQ(outcome(check(headers_a())),
            "UnrecognizedClientException: The security token included in the request is invalid.");
}

TEST_F(OperatorGuardTest, APayloadHashHeaderMustMatchTheBody) {
  auto headers = headers_a();
  headers.emplace_back("x-amz-content-sha256", "0000000000000000000000000000000000000000000000000000000000000000");
  EXPECT_EQ(outcome(check(headers)),
            "InvalidSignatureException: The provided 'x-amz-content-sha256' header does not match what was computed.");
}

TEST(OperatorAuthorization, LimitsACredentialToItsPoolsAndOperationPatterns) {
  const operator_principal everything{.access_key_id = "A", .name = "root"};
  EXPECT_TRUE(operator_guard::authorize(everything, "AdminDeleteUser", "us-east-1_X"));
  const operator_principal reader{.access_key_id = "B",
                                  .name = "support",
                                  .pools = {"us-east-1_X"},
                                  .allow = {"AdminGet*", "cognito-idp:List*"}};
  EXPECT_TRUE(operator_guard::authorize(reader, "AdminGetUser", "us-east-1_X"));
  EXPECT_TRUE(operator_guard::authorize(reader, "ListUsers", "us-east-1_X"));
  auto denied = operator_guard::authorize(reader, "AdminDeleteUser", "us-east-1_X");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, errc::access_denied);
  EXPECT_EQ(denied.error().message,
            "User: arn:aws:iam::000000000000:user/support is not authorized to perform: "
            "cognito-idp:AdminDeleteUser on resource: "
            "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_X");
  EXPECT_FALSE(operator_guard::authorize(reader, "AdminGetUser", "us-east-1_Y"));
}

}  // namespace
}  // namespace cognate::auth
