#include "api/decoder.h"

#include <gtest/gtest.h>

namespace cognate::api {
namespace {

errc body_error(std::string_view body) {
  auto r = parse_body(body);
  return r ? errc::internal : r.error().code;
}

TEST(ParseBody, AcceptsAnObject) { EXPECT_TRUE(parse_body(R"({"ClientId":"x"})")); }

TEST(ParseBody, RefusesWhatIsNotAJsonObject) {
  EXPECT_EQ(body_error(""), errc::serialization);
  EXPECT_EQ(body_error("{"), errc::serialization);
  EXPECT_EQ(body_error("[1,2]"), errc::serialization);
  EXPECT_EQ(body_error("\"x\""), errc::serialization);
  EXPECT_EQ(body_error("{\"a\":\"\xff\xfe\"}"), errc::serialization);  // not UTF-8
  EXPECT_EQ(body_error("{} trailing"), errc::serialization);
}

TEST(ParseBody, RefusesDeepNesting) {
  std::string deep = "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}";
  auto r = parse_body(deep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("nested"), std::string::npos);
}

TEST(Decoder, ReadsStringsTreatsNullAsAbsentAndIgnoresUnknownMembers) {
  auto body = *parse_body(R"({"ClientId":"abc","ValidationData":null,"Extra":1})");
  decoder in(body);
  EXPECT_EQ(in.required_string("ClientId"), "abc");
  EXPECT_FALSE(in.optional_string("ValidationData"));
  EXPECT_FALSE(in.error());
}

TEST(Decoder, MissingRequiredMemberIsAValidationError) {
  auto body = *parse_body(R"({})");
  decoder in(body);
  in.required_string("ClientId");
  ASSERT_TRUE(in.error());
  EXPECT_EQ(in.error()->code, errc::invalid_parameter);
  EXPECT_EQ(in.error()->message,
            "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: "
            "Member must not be null");
}

TEST(Decoder, WrongTypeIsASerializationError) {
  auto body = *parse_body(R"({"ClientId":5})");
  decoder in(body);
  in.required_string("ClientId");
  ASSERT_TRUE(in.error());
  EXPECT_EQ(in.error()->code, errc::serialization);
  EXPECT_EQ(in.error()->message, "Member 'ClientId' must be a string, got a number.");
}

TEST(Decoder, EnforcesLengthAndWhitespaceRules) {
  auto body = *parse_body(R"({"A":"","B":"has space"})");
  decoder a(body);
  a.required_string("A");
  EXPECT_EQ(a.error()->code, errc::invalid_parameter);
  decoder b(body);
  b.required_string("B", {1, 100, true});
  EXPECT_EQ(b.error()->code, errc::invalid_parameter);
}

TEST(Decoder, ReadsAttributeLists) {
  auto body = *parse_body(R"({"UserAttributes":[{"Name":"email","Value":"a@b.c"},{"Name":"x"}]})");
  decoder in(body);
  auto list = in.attribute_list("UserAttributes");
  ASSERT_FALSE(in.error());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], (std::pair<std::string, std::string>{"email", "a@b.c"}));
  EXPECT_EQ(list[1].second, "");
  auto bad = *parse_body(R"({"UserAttributes":[{"Value":"v"}]})");
  decoder in2(bad);
  in2.attribute_list("UserAttributes");
  EXPECT_TRUE(in2.error());
  auto not_array = *parse_body(R"({"UserAttributes":{"Name":"x"}})");
  decoder in3(not_array);
  in3.attribute_list("UserAttributes");
  EXPECT_EQ(in3.error()->code, errc::serialization);
}

}  // namespace
}  // namespace cognate::api
