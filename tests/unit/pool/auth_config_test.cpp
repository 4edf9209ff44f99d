#include "pool/auth_config.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace cognate::pool {
namespace {

namespace json = boost::json;

std::string seed_config() {
  std::ifstream file(COGNATE_SOURCE_DIR "/tests/fixtures/seed-auth.json");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

pool_settings parse_ok(std::string_view text) {
  auto parsed = parse_auth_config(text);
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().message);
  return parsed ? *parsed : pool_settings{};
}

std::string parse_error(std::string_view text) {
  auto parsed = parse_auth_config(text);
  if (parsed) {
    ADD_FAILURE() << "accepted: " << text;
    return "";
  }
  EXPECT_EQ(parsed.error().code, errc::invalid_parameter);
  return parsed.error().message;
}

TEST(AuthConfig, SeedFileParsesToItsSubjectBodyAndRequiredTotp) {
  const auto settings = parse_ok(seed_config());
  EXPECT_EQ(settings.email.verification_subject, "Welcome to Our Workshop App");
  EXPECT_EQ(settings.email.verification_body,
            "Thanks for signing up! Use this code to verify your account: {####}");
  EXPECT_EQ(settings.mfa, mfa_mode::required);
  EXPECT_TRUE(settings.totp_enabled);
  EXPECT_TRUE(settings.attributes.empty());
  EXPECT_EQ(settings.account_recovery, "EMAIL_ONLY");
  EXPECT_EQ(settings.password, password_policy{});
  EXPECT_FALSE(settings.sign_in_case_sensitive);
  EXPECT_TRUE(settings.prevent_user_existence_errors);
}

TEST(AuthConfig, EmailTrueGivesTheCdkDefaults) {
  const auto settings = parse_ok(R"({"loginWith": {"email": true}})");
  EXPECT_EQ(settings.email.verification_subject, "Verify your new account");
  EXPECT_EQ(settings.email.verification_body,
            "The verification code to your new account is {####}");
  EXPECT_EQ(settings.mfa, mfa_mode::off);
  EXPECT_FALSE(settings.totp_enabled);
  EXPECT_EQ(settings, pool_settings{});
}

TEST(AuthConfig, ReadsEveryOtherSupportedKey) {
  const auto settings = parse_ok(R"({
    "loginWith": {"email": {"userInvitation": {"emailSubject": "Welcome",
                                               "emailBody": "Hi {username}, use {####}"}}},
    "multifactor": {"mode": "OPTIONAL", "totp": true, "sms": false},
    "accountRecovery": "NONE",
    "groups": ["ADMINS", "EDITORS"],
    "senders": {"email": {"fromEmail": "no-reply@example.com", "fromName": "Example",
                          "replyTo": "help@example.com"}}
  })");
  EXPECT_EQ(settings.email.invitation_subject, "Welcome");
  EXPECT_EQ(settings.email.invitation_body, "Hi {username}, use {####}");
  EXPECT_EQ(settings.mfa, mfa_mode::optional);
  EXPECT_TRUE(settings.totp_enabled);
  EXPECT_EQ(settings.account_recovery, "NONE");
  EXPECT_EQ(settings.groups, (std::vector<std::string>{"ADMINS", "EDITORS"}));
  EXPECT_EQ(settings.sender,
            (sender_settings{"no-reply@example.com", "Example", "help@example.com"}));
}

TEST(AuthConfig, ModeOffAcceptsTotpFalse) {
  const auto settings =
      parse_ok(R"({"loginWith": {"email": true}, "multifactor": {"mode": "OFF", "totp": false}})");
  EXPECT_EQ(settings.mfa, mfa_mode::off);
  EXPECT_FALSE(settings.totp_enabled);
}

TEST(AuthConfig, EmailMfaNeedsTheSenderAndIsListedInTheOutputs) {
  const auto settings = parse_ok(R"({"loginWith": {"email": true},
    "multifactor": {"mode": "REQUIRED", "totp": true, "email": true},
    "senders": {"email": {"fromEmail": "security@example.com"}}})");
  EXPECT_TRUE(settings.email_mfa_enabled);
  EXPECT_TRUE(settings.totp_enabled);
  const auto auth = amplify_outputs(settings, "us-east-1_Ab12Cd34E", "abc").at("auth");
  EXPECT_EQ(auth.at("mfa_methods"), json::parse(R"(["TOTP", "EMAIL"])"));
  const auto email_only = parse_ok(R"({"loginWith": {"email": true},
    "multifactor": {"mode": "OPTIONAL", "email": true},
    "senders": {"email": {"fromEmail": "security@example.com"}}})");
  EXPECT_FALSE(email_only.totp_enabled);
  EXPECT_EQ(describe_changes(settings, email_only),
            (std::vector<std::string>{"multifactor.mode REQUIRED → OPTIONAL",
                                      "multifactor.totp true → false"}));
}

TEST(AuthConfig, StandardAttributesTakeTheirCognitoNamesInFileOrder) {
  const auto settings = parse_ok(R"({"loginWith": {"email": true}, "userAttributes": {
    "timezone": {}, "address": {}, "birthdate": {}, "familyName": {"required": true},
    "gender": {}, "givenName": {"mutable": false}, "locale": {}, "middleName": {},
    "fullname": {}, "nickname": {}, "phoneNumber": {}, "profilePicture": {},
    "preferredUsername": {}, "profilePage": {}, "lastUpdateTime": {}, "website": {},
    "email": {}
  }})");
  std::vector<std::string> names;
  for (const auto& attribute : settings.attributes) {
    names.push_back(attribute.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "zoneinfo", "address", "birthdate", "family_name", "gender", "given_name",
                       "locale", "middle_name", "name", "nickname", "phone_number", "picture",
                       "preferred_username", "profile", "updated_at", "website", "email"}));
  EXPECT_TRUE(settings.attributes[3].required);
  EXPECT_FALSE(settings.attributes[5].is_mutable);
  EXPECT_FALSE(settings.attributes[0].required);
  EXPECT_TRUE(settings.attributes.back().required) << "email is always required";
}

TEST(AuthConfig, CustomAttributesKeepTheirNameTypeAndBounds) {
  const auto settings = parse_ok(R"({"loginWith": {"email": true}, "userAttributes": {
    "custom:plan": {"dataType": "String", "minLen": 1, "maxLen": 32},
    "custom:seats": {"dataType": "Number", "mutable": false, "min": -5, "max": 100},
    "custom:beta": {"dataType": "Boolean"}
  }})");
  ASSERT_EQ(settings.attributes.size(), 3u);
  attribute_spec plan;
  plan.name = "custom:plan";
  plan.custom = true;
  plan.min_len = 1;
  plan.max_len = 32;
  EXPECT_EQ(settings.attributes[0], plan);
  attribute_spec seats;
  seats.name = "custom:seats";
  seats.custom = true;
  seats.is_mutable = false;
  seats.data_type = "Number";
  seats.min = -5;
  seats.max = 100;
  EXPECT_EQ(settings.attributes[1], seats);
  EXPECT_EQ(settings.attributes[2].data_type, "Boolean");
  EXPECT_TRUE(settings.attributes[2].is_mutable);
}

TEST(AuthConfig, RejectsEachBadConfigNamingTheKeyPath) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {R"([])", "top level: expected an object, got an array"},
      {R"({})", "loginWith: required"},
      {R"({"loginWith": {"email": true}, "storage": {}})",
       "storage: unknown key (allowed: loginWith, multifactor, userAttributes, accountRecovery, "
       "groups, senders)"},
      {R"({"loginWith": {"email": true, "username": true}})", "loginWith.username: unknown key"},
      {R"({"loginWith": {"email": 1}})",
       "loginWith.email: expected true or an object, got a number"},
      {R"({"loginWith": {"email": false}})", "loginWith.email: cannot be false"},
      {R"({"loginWith": {"phone": true}})", "loginWith.phone: not supported yet"},
      {R"({"loginWith": {"email": true, "webAuthn": true}})",
       "loginWith.webAuthn: not supported yet"},
      {R"({"loginWith": {"email": true, "externalProviders": {}}})",
       "loginWith.externalProviders: not supported yet"},
      {R"({"loginWith": {"email": {"verificationEmailBody": "Your code"}}})",
       "loginWith.email.verificationEmailBody: must contain {####} (where the code goes)"},
      {R"({"loginWith": {"email": {"verificationEmailBody": 5}}})",
       "loginWith.email.verificationEmailBody: expected a string, got a number"},
      {R"({"loginWith": {"email": {"verificationEmailSubject": ""}}})",
       "loginWith.email.verificationEmailSubject: must be 1 to 140 characters"},
      {R"({"loginWith": {"email": {"verificationEmailSubject": "Hi\r\nBcc: x@y.z"}}})",
       "loginWith.email.verificationEmailSubject: must be a single line"},
      {R"({"loginWith": {"email": {"verificationEmailStyle": "LINK"}}})",
       R"(loginWith.email.verificationEmailStyle: not supported yet: use "CODE")"},
      {R"({"loginWith": {"email": {"verificationEmailStyle": "code"}}})",
       R"(loginWith.email.verificationEmailStyle: expected one of "CODE", "LINK", got "code")"},
      {R"({"loginWith": {"email": {"userInvitation": {"emailBody": "Code {####}"}}}})",
       "loginWith.email.userInvitation.emailBody: must contain {username}"},
      {R"({"loginWith": {"email": {"userInvitation": {"smsMessage": "x"}}}})",
       "loginWith.email.userInvitation.smsMessage: unknown key (allowed: emailSubject, emailBody)"},
      {R"({"loginWith": {"email": true}, "multifactor": {"mode": "ON"}})",
       R"(multifactor.mode: expected one of "OFF", "OPTIONAL", "REQUIRED", got "ON")"},
      {R"({"loginWith": {"email": true}, "multifactor": {"totp": true}})",
       "multifactor.mode: required"},
      {R"({"loginWith": {"email": true}, "multifactor": {"mode": "OFF", "foo": 1}})",
       "multifactor.foo: unknown key (allowed: mode, totp, sms, email)"},
      {R"({"loginWith": {"email": true}, "multifactor": {"mode": "REQUIRED", "totp": "yes"}})",
       "multifactor.totp: expected a boolean, got a string"},
      {R"({"loginWith": {"email": true}, "multifactor": {"mode": "REQUIRED", "totp": true,
                                                          "sms": true}})",
       "multifactor.sms: SMS MFA is not supported yet (it needs a phone); use totp or email"},
      {R"({"loginWith": {"email": true}, "multifactor": {"mode": "OPTIONAL", "email": true}})",
       "multifactor.email: To enable email-based MFA, set `email` property to the Amazon SES "
       "email-sending configuration: senders.email.fromEmail"},
      {R"({"loginWith": {"email": true}, "multifactor": {"mode": "OFF", "email": true},
           "senders": {"email": {"fromEmail": "a@example.com"}}})",
       "multifactor.email: only allowed when mode is OPTIONAL or REQUIRED"},
      {R"({"loginWith": {"email": true}, "multifactor": {"mode": "REQUIRED"}})",
       R"(multifactor: OPTIONAL and REQUIRED need at least one factor; set "totp": true or "email": true)"},
      {R"({"loginWith": {"email": true}, "multifactor": {"mode": "OFF", "totp": true}})",
       "multifactor.totp: only allowed when mode is OPTIONAL or REQUIRED"},
      {R"({"loginWith": {"email": true}, "multifactor": "REQUIRED"})",
       "multifactor: expected an object, got a string"},
      {R"({"loginWith": {"email": true}, "userAttributes": {"email": {"required": false}}})",
       "userAttributes.email.required: email is always required"},
      {R"({"loginWith": {"email": true}, "userAttributes": {"given_name": {}}})",
       "userAttributes.given_name: unknown attribute (accepted: address, birthdate, email, "
       "familyName,"},
      {R"({"loginWith": {"email": true}, "userAttributes": {"givenName": {"required": 1}}})",
       "userAttributes.givenName.required: expected a boolean, got a number"},
      {R"({"loginWith": {"email": true}, "userAttributes": {"custom:plan": {"dataType": "Text"}}})",
       R"(userAttributes.custom:plan.dataType: expected one of "String", "Number", "Boolean", )"
       R"("DateTime", got "Text")"},
      {R"({"loginWith": {"email": true}, "userAttributes": {"custom:plan": {}}})",
       "userAttributes.custom:plan.dataType: required"},
      {R"({"loginWith": {"email": true}, "userAttributes": {"custom:a-b": {}}})",
       "userAttributes.custom:a-b: custom attribute names are"},
      {R"({"loginWith": {"email": true}, "userAttributes": {
           "custom:plan": {"dataType": "String", "minLen": 10, "maxLen": 5}}})",
       "userAttributes.custom:plan: minLen (10) is greater than maxLen (5)"},
      {R"({"loginWith": {"email": true}, "userAttributes": {
           "custom:plan": {"dataType": "String", "maxLen": 4096}}})",
       "userAttributes.custom:plan.maxLen: must be from 0 to 2048, got 4096"},
      {R"({"loginWith": {"email": true}, "userAttributes": {
           "custom:plan": {"dataType": "String", "minLen": 1.5}}})",
       "userAttributes.custom:plan.minLen: expected an integer, got a number"},
      {R"({"loginWith": {"email": true}, "userAttributes": {
           "custom:seats": {"dataType": "Number", "maxLen": 5}}})",
       R"(userAttributes.custom:seats.maxLen: only allowed when dataType is "String")"},
      {R"({"loginWith": {"email": true}, "userAttributes": {
           "custom:seats": {"dataType": "Number", "min": 9, "max": 1}}})",
       "userAttributes.custom:seats: min (9) is greater than max (1)"},
      {R"({"loginWith": {"email": true}, "accountRecovery": "PHONE_ONLY_WITHOUT_MFA"})",
       "accountRecovery: PHONE_ONLY_WITHOUT_MFA needs phone login, which is not supported yet"},
      {R"({"loginWith": {"email": true}, "accountRecovery": "EMAIL"})",
       R"(accountRecovery: expected one of "EMAIL_ONLY",)"},
      {R"({"loginWith": {"email": true}, "groups": ["ADMINS", "USERS", "ADMINS"]})",
       R"(groups[2]: duplicate group "ADMINS")"},
      {R"({"loginWith": {"email": true}, "groups": [""]})",
       "groups[0]: must be 1 to 128 characters"},
      {R"({"loginWith": {"email": true}, "groups": "ADMINS"})",
       "groups: expected an array of group names, got a string"},
      {R"({"loginWith": {"email": true}, "senders": {"email": {"fromEmail": "example.com"}}})",
       "senders.email.fromEmail: expected an email address"},
      {R"({"loginWith": {"email": true}, "senders": {"sms": {}}})",
       "senders.sms: SMS senders are not supported yet"},
      {R"({"loginWith": {"email": true}, "senders": {"email": {"handler": "fn"}}})",
       "senders.email.handler: unknown key (allowed: fromEmail, fromName, replyTo)"},
  };
  for (const auto& [config, message] : cases) {
    SCOPED_TRACE(config);
    EXPECT_NE(parse_error(config).find(message), std::string::npos)
        << "expected the message to contain: " << message;
  }
}

TEST(AuthConfig, InvalidJsonReportsLineAndColumn) {
  EXPECT_EQ(parse_error("{\n  \"loginWith\": {\n    \"email\": true,\n  }\n}"),
            "invalid JSON at line 4, column 3: syntax error");
  EXPECT_EQ(parse_error("// comment\n{\"loginWith\": {\"email\": true}}"),
            "invalid JSON at line 1, column 1: syntax error");
  EXPECT_EQ(parse_error("{\"loginWith\": {\"email\": true}"),
            "invalid JSON at line 1, column 30: incomplete JSON");
}

TEST(DescribeChanges, IsEmptyWhenNothingChanged) {
  const auto settings = parse_ok(seed_config());
  EXPECT_TRUE(describe_changes(settings, settings).empty());
}

TEST(DescribeChanges, NamesModeTotpAndSubjectChanges) {
  auto before = parse_ok(R"({"loginWith": {"email": {"verificationEmailSubject": "Old"}}})");
  auto after = parse_ok(R"({"loginWith": {"email": {"verificationEmailSubject": "New"}},
                            "multifactor": {"mode": "REQUIRED", "totp": true},
                            "groups": ["ADMINS"]})");
  EXPECT_EQ(describe_changes(before, after),
            (std::vector<std::string>{
                R"(loginWith.email.verificationEmailSubject "Old" → "New")",
                "multifactor.mode OFF → REQUIRED",
                "multifactor.totp false → true",
                R"(groups [] → ["ADMINS"])",
            }));
}

TEST(DescribeChanges, NamesAddedRemovedAndChangedAttributes) {
  auto before = parse_ok(R"({"loginWith": {"email": true}, "userAttributes": {
    "givenName": {}, "familyName": {"required": true}}})");
  auto after = parse_ok(R"({"loginWith": {"email": true}, "userAttributes": {
    "familyName": {"required": false}, "custom:plan": {"dataType": "String", "maxLen": 8}}})");
  EXPECT_EQ(describe_changes(before, after),
            (std::vector<std::string>{
                "userAttributes.family_name.required true → false",
                "userAttributes.custom:plan added",
                "userAttributes.given_name removed",
            }));
}

TEST(DescribeChanges, ShortensLongTexts) {
  pool_settings after;
  after.email.verification_body = std::string(100, 'x') + "{####}";
  const auto lines = describe_changes(pool_settings{}, after);
  ASSERT_EQ(lines.size(), 1u);
  const std::string old_body = R"("The verification code to your new accou…")";
  const std::string new_body = '"' + std::string(39, 'x') + "…\"";
  EXPECT_EQ(lines[0], "loginWith.email.verificationEmailBody " + old_body + " → " + new_body);
}

TEST(AmplifyOutputs, SeedConfigGivesTheDocumentedOutputs) {
  const auto outputs = amplify_outputs(parse_ok(seed_config()), "us-east-1_Ab12Cd34E", "abc123");
  EXPECT_EQ(json::value(outputs), json::parse(R"({"version": "1.5", "auth": {
    "aws_region": "us-east-1", "user_pool_id": "us-east-1_Ab12Cd34E",
    "user_pool_client_id": "abc123", "username_attributes": ["email"],
    "standard_required_attributes": ["email"], "user_verification_types": ["email"],
    "mfa_configuration": "REQUIRED", "mfa_methods": ["TOTP"],
    "password_policy": {"min_length": 8, "require_lowercase": true, "require_numbers": true,
                        "require_symbols": true, "require_uppercase": true},
    "groups": []}})"));
  EXPECT_FALSE(outputs.at("auth").as_object().contains("identity_pool_id"));
  EXPECT_FALSE(outputs.at("auth").as_object().contains("unauthenticated_identities_enabled"));
}

TEST(AmplifyOutputs, ListsRequiredAttributesAndGroupsByPrecedence) {
  const auto settings = parse_ok(R"({"loginWith": {"email": true},
    "userAttributes": {"email": {"required": true}, "givenName": {"required": true},
                       "familyName": {}, "custom:plan": {"dataType": "String"}},
    "groups": ["ADMINS", "EDITORS"]})");
  const auto auth = amplify_outputs(settings, "eu-west-2_Xyz", "client").at("auth").as_object();
  EXPECT_EQ(auth.at("aws_region"), "eu-west-2");
  EXPECT_EQ(auth.at("standard_required_attributes"), json::parse(R"(["email", "given_name"])"));
  EXPECT_EQ(auth.at("mfa_configuration"), "NONE");
  EXPECT_EQ(auth.at("mfa_methods"), json::array{});
  EXPECT_EQ(auth.at("groups"),
            json::parse(R"([{"ADMINS": {"precedence": 0}}, {"EDITORS": {"precedence": 1}}])"));
}

TEST(AmplifyOutputs, ListsNoGroupsAsAnEmptyListAsAmpxDoes) {
  const auto outputs = amplify_outputs(pool_settings{}, "us-east-1_Ab12Cd34E", "abc123");
  EXPECT_EQ(outputs.at("auth").at("groups"), json::array{});
}

TEST(MfaMode, PrintsTheDefineAuthSpelling) {
  EXPECT_EQ(to_string(mfa_mode::off), "OFF");
  EXPECT_EQ(to_string(mfa_mode::optional), "OPTIONAL");
  EXPECT_EQ(to_string(mfa_mode::required), "REQUIRED");
}

}  // namespace
}  // namespace cognate::pool
