// The operation table and what the service does before any handler runs: validate the body
// against the operation's members, authenticate, find the pool — in that order — against a real
// pool on SQLite.
#include "api/service.h"

#include "auth/client_secret.h"
#include "crypto/seal_context.h"

#include "support/pool_harness.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace cognate::api {
namespace {

TEST(OperationTable, OnlyTheReadsCountAsReadOnly) {
  std::set<std::string_view> read_only;
  for (const auto& op : cognito_operations()) {
    if (op.read_only) {
      read_only.insert(op.name);
    }
  }
  // Calls that write (or may: InitiateAuth counts lockout attempts) wait on commits elsewhere.
  EXPECT_EQ(read_only,
            (std::set<std::string_view>{"GetUser", "AdminGetUser", "ListUsers", "GetGroup",
                                        "ListGroups", "AdminListGroupsForUser",
                                        "ListUsersInGroup", "DescribeUserPoolClient",
                                        "ListUserPoolClients", "DescribeUserPool",
                                        "ListUserPools", "GetUserPoolMfaConfig",
                                        "AdminListUserAuthEvents", "GetCSVHeader"}));
}

TEST(OperationTable, SaysHowEachCallIsAuthenticatedAndItsPoolFound) {
  std::set<std::string_view> names;
  for (const auto& op : cognito_operations()) {
    EXPECT_TRUE(names.insert(op.name).second) << op.name << " twice";
    const bool by_token = op.auth == authentication::access_token;
    EXPECT_EQ(by_token, op.pool == pool_lookup::access_token) << op.name;
    const bool by_client = op.pool == pool_lookup::client_id;
    EXPECT_EQ(by_client, op.auth == authentication::none) << op.name;
    const bool declares = std::any_of(op.members.begin(), op.members.end(),
                                      [](const member_rule& m) { return m.name == "ClientId"; });
    // A public call names its client; an admin call may name one as its subject (the pool is
    // then its UserPoolId).
    EXPECT_EQ(by_client, declares && op.auth != authentication::sigv4) << op.name;
  }
  EXPECT_EQ(names.size(), 58u);
}

TEST(OperationTable, AskForTheClientSecretWhereCognitoDoes) {
  std::map<std::string_view, secret_proof> proofs;
  for (const auto& op : cognito_operations()) {
    if (op.proof != secret_proof::none) {
      proofs.emplace(op.name, op.proof);
      // The proof is of a client: the operation names one.
      EXPECT_TRUE(std::any_of(op.members.begin(), op.members.end(),
                              [](const member_rule& m) { return m.name == "ClientId"; }))
          << op.name;
    }
  }
  using enum secret_proof;
  EXPECT_EQ(proofs, (std::map<std::string_view, secret_proof>{
                        {"SignUp", secret_hash},
                        {"ConfirmSignUp", secret_hash},
                        {"ResendConfirmationCode", secret_hash},
                        {"ForgotPassword", secret_hash},
                        {"ConfirmForgotPassword", secret_hash},
                        {"InitiateAuth", auth_parameters},
                        {"AdminInitiateAuth", auth_parameters},
                        {"RespondToAuthChallenge", challenge_responses},
                        {"AdminRespondToAuthChallenge", challenge_responses},
                        {"GetTokensFromRefreshToken", client_secret},
                        {"RevokeToken", client_secret},
                    }));
}

// A handler that reports what the service found for it.
result<boost::json::object> echo(const call& c) {
  return boost::json::object{{"pool", c.pool ? c.pool->id : ""},
                             {"client", c.client ? c.client->record.id : ""},
                             {"caller", c.caller ? c.caller->user.id : ""}};
}

constexpr std::array<member_rule, 2> echo_members{
    member_rule{"UserPoolId", member_type::string, true, {.min_length = 1, .max_length = 55}},
    member_rule{"Username", member_type::string, false, {.min_length = 1, .max_length = 10}},
};
constexpr std::array test_table{
    operation_spec{"Describe", echo, authentication::none, pool_lookup::user_pool_id, true,
                   limit_class::read, echo_members},
    operation_spec{"AdminThing", echo, authentication::sigv4, pool_lookup::user_pool_id, false,
                   limit_class::read, echo_members},
};

class ServiceTest : public ::testing::Test, public testing::pool_harness {
 protected:
  ServiceTest()
      : clients_(reruns_, directory_, sealer_, clock_),
        pools_(reruns_, directory_, clock_),
        domain_{.directory = directory_,
                .registration = registration_,
                .recovery = recovery_,
                .auth = auth_,
                .clients = clients_,
                .pools = pools_},

        real_(domain_),
        test_(domain_, test_table) {}

  reply call(const service& s, std::string_view operation, std::string_view body) {
    const std::string target = std::string(target_prefix) + std::string(operation);
    const request_context context{.method = "POST", .path = "/", .target = target, .body = body,
                                  .headers = headers_, .peer = "127.0.0.1", .request_id = "r1",
                                  .clock = clock_};
    return s.handle(context);
  }
  static std::string type_of(const reply& r) { return r.error_type; }

  auth::client_admin clients_;
  auth::pool_admin pools_;
  domain domain_;
  header_list headers_;
  service real_;
  service test_;
};

TEST(ClientSecret, HashIsBase64OfHmacSha256OverUsernameThenClientId) {
  // Known answer: python3 -c "import hmac,hashlib,base64; print(base64.b64encode(hmac.new(
  //   b'abc123secret', b'alice@example.comclient1', hashlib.sha256).digest()).decode())"
  EXPECT_EQ(auth::secret_hash("abc123secret", "alice@example.com", "client1"),
            "34MLZSEvSNKb4z5sBN/e5jit5WLwSUXlnWEHjtyeml0=");
}

TEST_F(ServiceTest, AClientWithASecretNeedsItsProofBeforeAnythingRuns) {
  const std::string secret = "s3cret-of-client1";
  change_client([&](store::client_record& c) {
    c.secret_sealed = sealer_.seal(as_bytes(secret), crypto::seal_context::client_secret(c.id));
  });
  ASSERT_TRUE(client().has_secret());
  const auto hash = auth::secret_hash(secret, "a@example.com", testing::test_client_id);
  auto missing = call(real_, "SignUp",
                      R"({"ClientId":"client1","Username":"a@example.com","Password":"Passw0rd!"})");
  EXPECT_EQ(missing.error_type, "NotAuthorizedException");
  EXPECT_EQ(missing.error_message, "Client client1 is configured for secret but secret was not received");
  // A hash for another name is refused, and nothing was created.
  auto other = call(real_, "SignUp",
                    R"({"ClientId":"client1","Username":"b@example.com","Password":"Passw0rd!","SecretHash":")" +
                        hash + R"("})");
  EXPECT_EQ(other.error_message, "Unable to verify secret hash for client client1");
  EXPECT_TRUE(take_mail().empty());
  auto right = call(real_, "SignUp",
                    R"({"ClientId":"client1","Username":"a@example.com","Password":"Passw0rd!","SecretHash":")" +
                        hash + R"("})");
  EXPECT_EQ(right.error_type, "") << right.error_message;
  // SRP's PASSWORD_VERIFIER: the hash over the USERNAME answered, checked before the Session is
  // looked at (so a wrong one cannot spend it).
  auto verifier = call(real_, "RespondToAuthChallenge",
                       R"({"ClientId":"client1","ChallengeName":"PASSWORD_VERIFIER","Session":"0123456789012345678901234","ChallengeResponses":{"USERNAME":"a@example.com","SECRET_HASH":"AAAA"}})");
  EXPECT_EQ(verifier.error_message, "Unable to verify secret hash for client client1");
  // ClientSecret is the secret itself.
  auto revoke = call(real_, "RevokeToken",
                     R"({"ClientId":"client1","Token":"opaque","ClientSecret":"s3cret-of-client2"})");
  EXPECT_EQ(revoke.error_message, "Unable to verify secret hash for client client1");
}

TEST_F(ServiceTest, APublicClientIgnoresASecretHash) {
  auto signed_up = call(real_, "SignUp",
                        R"({"ClientId":"client1","Username":"p@example.com","Password":"Passw0rd!","SecretHash":"whatever"})");
  EXPECT_EQ(signed_up.error_type, "") << signed_up.error_message;
}

TEST_F(ServiceTest, AnUnknownClientIsNotFoundOnlyOnceTheBodyIsValid) {
  auto unknown = call(real_, "SignUp", R"({"ClientId":"nope","Username":"a@example.com"})");
  EXPECT_EQ(unknown.error_type, "ResourceNotFoundException");
  EXPECT_EQ(unknown.error_message, "User pool client nope does not exist.");
  // Cognito validates the request before it looks anything up.
  auto invalid = call(real_, "SignUp", R"({"ClientId":"nope","Username":"has space"})");
  EXPECT_EQ(invalid.error_type, "InvalidParameterException");
  EXPECT_NE(invalid.error_message.find("'username'"), std::string::npos) << invalid.error_message;
}

TEST_F(ServiceTest, AnAccessTokenIsCheckedBeforeTheHandler) {
  auto bad = call(real_, "GetUser", R"({"AccessToken":"not.a.token"})");
  EXPECT_EQ(bad.error_type, "NotAuthorizedException");
  EXPECT_EQ(bad.error_message, "Invalid Access Token");
  auto both = call(real_, "AssociateSoftwareToken",
                   R"({"AccessToken":"x.y.z","Session":"cgAAAAAAAAAAAAAAAAAAAAAAAAAA"})");
  EXPECT_EQ(both.error_message, "Exactly one of AccessToken and Session is required.");
  auto neither = call(real_, "VerifySoftwareToken", R"({"UserCode":"123456"})");
  EXPECT_EQ(neither.error_message, "Exactly one of AccessToken and Session is required.");
}

TEST_F(ServiceTest, APoolNamedByUserPoolIdIsFoundForTheHandler) {
  auto found = call(test_, "Describe", R"({"UserPoolId":"us-east-1_TestPool1"})");
  ASSERT_EQ(found.status, 200u) << found.body;
  EXPECT_EQ(boost::json::parse(found.body).at("pool").as_string(), "us-east-1_TestPool1");
  auto missing = call(test_, "Describe", R"({"UserPoolId":"us-east-1_Nope"})");
  EXPECT_EQ(missing.error_type, "ResourceNotFoundException");
  EXPECT_EQ(missing.error_message, "User pool us-east-1_Nope does not exist.");
  auto invalid = call(test_, "Describe", R"({"UserPoolId":"us-east-1_Nope","Username":"way too long"})");
  EXPECT_EQ(invalid.error_type, "InvalidParameterException");
}

TEST_F(ServiceTest, SignedOperationsCheckTheSignatureBeforeAnythingElse) {
  // Without a signature even a body that is not JSON gets AWS's answer for a missing one.
  auto missing = call(test_, "AdminThing", "not json");
  EXPECT_EQ(missing.error_type, "MissingAuthenticationTokenException");
  EXPECT_EQ(missing.error_message, "Missing Authentication Token");
  headers_.add("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDNOBODY/20231114/us-east-1/"
                                "cognito-idp/aws4_request, SignedHeaders=host");
  EXPECT_EQ(call(test_, "AdminThing", "{}").error_type, "IncompleteSignatureException");
}

TEST_F(ServiceTest, UnknownOperationsAndTargetsAreNamed) {
  EXPECT_EQ(call(real_, "NoSuch", "{}").error_message,
            "Operation NoSuch is not supported by this server.");
  const request_context context{.method = "POST", .path = "/", .target = "", .body = "{}",
                                .headers = headers_, .peer = "", .request_id = "r",
                                .clock = clock_};
  EXPECT_EQ(real_.handle(context).error_message, "Missing X-Amz-Target header.");
}

}  // namespace
}  // namespace cognate::api
