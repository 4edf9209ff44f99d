#include "pool/attributes.h"

#include <gtest/gtest.h>

namespace cognate::pool {
namespace {

pool_settings with_schema() {
  pool_settings s;
  s.attributes.push_back({.name = "given_name", .required = true});
  s.attributes.push_back({.name = "custom:plan", .custom = true, .data_type = "String",
                          .min_len = 2, .max_len = 8});
  s.attributes.push_back({.name = "custom:seats", .custom = true, .data_type = "Number",
                          .min = 1, .max = 100});
  return s;
}

TEST(Attributes, AcceptsDeclaredAndStandardAttributesAndMergesImplied) {
  auto r = check_client_attributes(
      with_schema(), {{"given_name", "Alice"}, {"custom:plan", "pro"}, {"locale", "en"}},
      {{"email", "a@example.com"}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->at("email"), "a@example.com");
  EXPECT_EQ(r->at("custom:plan"), "pro");
  EXPECT_EQ(r->size(), 4u);
}

TEST(Attributes, RefusesUnknownUndeclaredOrServerOwnedAttributes) {
  auto s = with_schema();
  auto unknown = check_client_attributes(s, {{"given_name", "A"}, {"shoe_size", "9"}}, {});
  EXPECT_EQ(unknown.error().message,
            "Attributes did not conform to the schema: shoe_size: Attribute does not exist in the "
            "schema.");
  EXPECT_FALSE(check_client_attributes(s, {{"given_name", "A"}, {"custom:other", "x"}}, {}));
  auto verified = check_client_attributes(s, {{"email_verified", "true"}}, {});
  EXPECT_EQ(verified.error().code, errc::not_authorized);
  EXPECT_FALSE(check_client_attributes(s, {{"sub", "x"}}, {}));
}

TEST(Attributes, EnforcesRequiredAttributes) {
  auto r = check_client_attributes(with_schema(), {}, {{"email", "a@example.com"}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("given_name"), std::string::npos);
}

TEST(Attributes, ChecksCustomTypesAndBounds) {
  auto s = with_schema();
  EXPECT_FALSE(check_client_attributes(s, {{"given_name", "A"}, {"custom:plan", "x"}}, {}));
  EXPECT_FALSE(check_client_attributes(s, {{"given_name", "A"}, {"custom:seats", "many"}}, {}));
  EXPECT_FALSE(check_client_attributes(s, {{"given_name", "A"}, {"custom:seats", "101"}}, {}));
  EXPECT_TRUE(check_client_attributes(s, {{"given_name", "A"}, {"custom:seats", "100"}}, {}));
}

TEST(Attributes, RefusesDuplicatesLongValuesAndBadPhoneNumbers) {
  auto s = with_schema();
  EXPECT_FALSE(check_client_attributes(s, {{"given_name", "A"}, {"given_name", "B"}}, {}));
  EXPECT_FALSE(check_client_attributes(s, {{"given_name", std::string(2049, 'a')}}, {}));
  EXPECT_FALSE(check_client_attributes(s, {{"given_name", "A"}, {"phone_number", "555"}}, {}));
  EXPECT_TRUE(check_client_attributes(s, {{"given_name", "A"}, {"phone_number", "+15555550100"}}, {}));
}

}  // namespace
}  // namespace cognate::pool
