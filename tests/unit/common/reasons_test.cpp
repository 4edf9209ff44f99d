// The catalogue of failures: every reason has one row, formats with the values it declares, and
// no message is written twice.
#include "common/reasons.h"

#include <gtest/gtest.h>

#include <set>

namespace cognate {
namespace {

failure fill(const reason_info& row) {
  switch (row.arguments) {
    case 0:
      return fail(row.id);
    case 1:
      return fail(row.id, "a");
    case 2:
      return fail(row.id, "a", "b");
    case 3:
      return fail(row.id, "a", "b", "c");
  }
  ADD_FAILURE() << row.message << " takes " << row.arguments << " values";
  return fail(row.id);
}

TEST(Reasons, EveryRowFormatsWithTheValuesItDeclares) {
  for (const auto& row : reason_catalogue()) {
    failure f;
    EXPECT_NO_THROW(f = fill(row)) << row.message;
    EXPECT_EQ(f.code, row.code) << row.message;
    EXPECT_FALSE(f.message.empty()) << row.message;
    EXPECT_EQ(f.message.find("{}"), std::string::npos) << row.message;
  }
}

TEST(Reasons, EachAnswerIsWrittenOnce) {
  std::set<std::pair<errc, std::string_view>> seen;
  for (const auto& row : reason_catalogue()) {
    // A replayed TOTP code is told apart for metrics only: the client gets the mismatch answer.
    const bool alias = row.id == reason::mfa_code_replayed;
    EXPECT_TRUE(seen.insert({row.code, row.message}).second || row.message == "{}" || alias)
        << row.message;
  }
}

TEST(Reasons, FillsPlaceholdersInOrder) {
  auto f = fail(reason::client_not_found, "abc123");
  EXPECT_EQ(f.code, errc::resource_not_found);
  EXPECT_EQ(f.message, "User pool client abc123 does not exist.");
  f = fail(reason::value_length, "clientId", 1, 128);
  EXPECT_EQ(f.message,
            "1 validation error detected: Value at 'clientId' failed to satisfy constraint: Member "
            "must have length between 1 and 128");
}

TEST(Errors, ExceptionClassesMapToCognitoNamesAndStatuses) {
  EXPECT_EQ(exception_name(errc::not_authorized), "NotAuthorizedException");
  EXPECT_EQ(http_status(errc::not_authorized), 400u);
  EXPECT_EQ(http_status(errc::too_many_requests), 429u);
  EXPECT_EQ(http_status(errc::internal), 500u);
  EXPECT_EQ(exception_name(fail(reason::user_disabled).code), "NotAuthorizedException");
  EXPECT_EQ(fail(reason::user_disabled).message, "User is disabled.");
}

}  // namespace
}  // namespace cognate
