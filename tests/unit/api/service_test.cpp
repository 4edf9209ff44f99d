// Which operations the HTTP layer may run on the small read-only pool (api::service::reads_only).
#include "api/service.h"

#include <gtest/gtest.h>

namespace cognate::api {
namespace {

TEST(Service, OnlyGetUserCountsAsReadOnly) {
  EXPECT_TRUE(service::reads_only("AWSCognitoIdentityProviderService.GetUser"));
  // Calls that write (or may: InitiateAuth counts lockout attempts) wait on commits elsewhere.
  for (const char* op : {"SignUp", "ConfirmSignUp", "InitiateAuth", "RespondToAuthChallenge",
                         "VerifySoftwareToken", "GlobalSignOut", "RevokeToken",
                         "GetTokensFromRefreshToken"}) {
    EXPECT_FALSE(service::reads_only(std::string("AWSCognitoIdentityProviderService.") + op)) << op;
  }
  EXPECT_FALSE(service::reads_only("GetUser"));
  EXPECT_FALSE(service::reads_only("AWSCognitoIdentityProviderService.GetUserX"));
  EXPECT_FALSE(service::reads_only(""));
}

}  // namespace
}  // namespace cognate::api
