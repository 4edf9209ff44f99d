// User pools, SigV4-signed (protocol doc cognito-admin-api.md §7): CreateUserPool,
// DescribeUserPool, UpdateUserPool, ListUserPools, DeleteUserPool, GetUserPoolMfaConfig,
// SetUserPoolMfaConfig, GetCSVHeader (the columns `cognate import` reads). Requests are read into the pool's settings (the same ones amplify/auth.json
// declares) and descriptions say what those settings mean in Cognito's terms.
//
// Cognate pools sign users in by email: UsernameAttributes ["email"], email auto-verified, the
// original email kept until a new one is verified. A member that asks for something else, or for
// what Cognate cannot honour yet (Lambda triggers, SMS, device tracking, link verification,
// advanced security, password history), is refused with InvalidParameterException naming it —
// never accepted and ignored. Tags, the tier and SES-only email fields (SourceArn,
// ConfigurationSet) change nothing here and are accepted.
#include "api/handlers.h"
#include "common/reasons.h"
#include "pool/email_address.h"
#include "pool/user_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace cognate::api::handlers {
namespace {

std::string_view mfa_name(pool::mfa_mode m) {
  switch (m) {
    case pool::mfa_mode::optional:
      return "OPTIONAL";
    case pool::mfa_mode::required:
      return "ON";
    case pool::mfa_mode::off:
      break;
  }
  return "OFF";
}

boost::json::object schema_attribute(std::string_view name, std::string_view type, bool required,
                                     bool is_mutable) {
  return {{"Name", name},
          {"AttributeDataType", type},
          {"DeveloperOnlyAttribute", false},
          {"Mutable", is_mutable},
          {"Required", required}};
}

boost::json::array recovery_mechanisms(std::string_view setting) {
  auto mechanism = [](int priority, std::string_view name) {
    return boost::json::object{{"Priority", priority}, {"Name", name}};
  };
  if (setting == "NONE") {
    return {mechanism(1, "admin_only")};
  }
  if (setting == "EMAIL_AND_PHONE_WITHOUT_MFA") {
    return {mechanism(1, "verified_email"), mechanism(2, "verified_phone_number")};
  }
  if (setting == "PHONE_WITHOUT_MFA_AND_EMAIL" || setting == "PHONE_AND_EMAIL") {
    return {mechanism(1, "verified_phone_number"), mechanism(2, "verified_email")};
  }
  return {mechanism(1, "verified_email")};
}

boost::json::object pool_json(const store::pool_record& r, const pool::pool_settings& s) {
  boost::json::array schema;
  schema.push_back(schema_attribute("sub", "String", true, false));
  schema.push_back(schema_attribute("email", "String", true, true));
  schema.push_back(schema_attribute("email_verified", "Boolean", false, true));
  for (const auto& a : s.attributes) {
    if (a.name != "email") {
      schema.push_back(schema_attribute(a.name, a.custom ? a.data_type : "String", a.required,
                                        a.is_mutable));
    }
  }
  boost::json::object email_configuration{{"EmailSendingAccount", "DEVELOPER"}};
  if (!s.sender.from_email.empty()) {
    email_configuration["From"] = s.sender.from_name.empty()
                                      ? s.sender.from_email
                                      : fmt::format("{} <{}>", s.sender.from_name, s.sender.from_email);
  }
  if (!s.sender.reply_to.empty()) {
    email_configuration["ReplyToEmailAddress"] = s.sender.reply_to;
  }
  return {
      {"Id", r.id},
      {"Name", r.name},
      {"Arn", fmt::format("arn:aws:cognito-idp:{}:000000000000:userpool/{}",
                          r.id.substr(0, r.id.find('_')), r.id)},
      {"Policies",
       {{"PasswordPolicy",
         {{"MinimumLength", s.password.min_length},
          {"RequireUppercase", s.password.require_uppercase},
          {"RequireLowercase", s.password.require_lowercase},
          {"RequireNumbers", s.password.require_numbers},
          {"RequireSymbols", s.password.require_symbols},
          {"TemporaryPasswordValidityDays", s.password.temporary_password_days}}}}},
      {"DeletionProtection", s.deletion_protection ? "ACTIVE" : "INACTIVE"},
      {"LambdaConfig", boost::json::object{}},
      {"LastModifiedDate", epoch_seconds(r.updated_at)},
      {"CreationDate", epoch_seconds(r.created_at)},
      {"SchemaAttributes", schema},
      {"AutoVerifiedAttributes", {"email"}},
      {"UsernameAttributes", {"email"}},
      {"UsernameConfiguration", {{"CaseSensitive", s.sign_in_case_sensitive}}},
      {"VerificationMessageTemplate",
       {{"DefaultEmailOption", "CONFIRM_WITH_CODE"},
        {"EmailMessage", s.email.verification_body},
        {"EmailSubject", s.email.verification_subject}}},
      {"EmailVerificationMessage", s.email.verification_body},
      {"EmailVerificationSubject", s.email.verification_subject},
      {"UserAttributeUpdateSettings", {{"AttributesRequireVerificationBeforeUpdate", {"email"}}}},
      {"MfaConfiguration", mfa_name(s.mfa)},
      {"EmailConfiguration", email_configuration},
      {"AdminCreateUserConfig",
       {{"AllowAdminCreateUserOnly", s.admin_create_user_only},
        {"UnusedAccountValidityDays", s.password.temporary_password_days},
        {"InviteMessageTemplate",
         {{"EmailMessage", s.email.invitation_body}, {"EmailSubject", s.email.invitation_subject}}}}},
      {"AccountRecoverySetting", {{"RecoveryMechanisms", recovery_mechanisms(s.account_recovery)}}},
  };
}

// ---- reading CreateUserPool / UpdateUserPool ----------------------------------------------

using json_object = boost::json::object;

failure wrong_type(std::string_view path, std::string_view expected) {
  return fail(reason::serialization, fmt::format("{} must be {}.", path, expected));
}

result<const json_object*> object_at(const json_object& o, std::string_view key,
                                     std::string_view path) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return static_cast<const json_object*>(nullptr);
  }
  if (!v->is_object()) {
    return wrong_type(path, "an object");
  }
  return &v->as_object();
}

result<std::optional<std::string>> string_at(const json_object& o, std::string_view key,
                                             std::string_view path) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return std::optional<std::string>();
  }
  if (!v->is_string()) {
    return wrong_type(path, "a string");
  }
  return std::optional<std::string>(std::string(v->as_string()));
}

result<std::optional<bool>> bool_at(const json_object& o, std::string_view key,
                                    std::string_view path) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return std::optional<bool>();
  }
  if (!v->is_bool()) {
    return wrong_type(path, "a boolean");
  }
  return std::optional<bool>(v->as_bool());
}

result<std::optional<std::int64_t>> integer_at(const json_object& o, std::string_view key,
                                               std::string_view path, std::int64_t low,
                                               std::int64_t high) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return std::optional<std::int64_t>();
  }
  if (!v->is_int64() && !v->is_uint64()) {
    return wrong_type(path, "an integer");
  }
  const auto n = v->is_int64() ? v->as_int64() : static_cast<std::int64_t>(v->as_uint64());
  if (n < low || n > high || (v->is_uint64() && v->as_uint64() > static_cast<std::uint64_t>(high))) {
    return fail(reason::invalid_parameter,
                fmt::format("{} must be from {} to {}.", path, low, high));
  }
  return std::optional<std::int64_t>(n);
}

result<std::optional<std::vector<std::string>>> strings_at(const json_object& o,
                                                           std::string_view key,
                                                           std::string_view path) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return std::optional<std::vector<std::string>>();
  }
  if (!v->is_array()) {
    return wrong_type(path, "a list of strings");
  }
  std::vector<std::string> out;
  for (const auto& e : v->as_array()) {
    if (!e.is_string()) {
      return wrong_type(path, "a list of strings");
    }
    out.emplace_back(e.as_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

failure unsupported(std::string_view what) {
  return fail(reason::pool_setting_unsupported, what);
}

// A member Cognate cannot honour: refused when present (and, for objects, not empty).
result<void> refuse_present(const json_object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null() || (v->is_object() && v->as_object().empty()) ||
      (v->is_array() && v->as_array().empty())) {
    return {};
  }
  return unsupported(key);
}

result<std::string> message_template(const json_object& o, std::string_view key,
                                     std::string_view path,
                                     std::initializer_list<std::string_view> placeholders,
                                     std::string fallback) {
  ASSIGN_OR_RETURN(auto text, string_at(o, key, path));
  if (!text) {
    return fallback;
  }
  if (text->size() < 6 || text->size() > 20000) {
    return fail(reason::invalid_parameter,
                fmt::format("{} must be 6 to 20000 characters.", path));
  }
  for (const auto placeholder : placeholders) {
    if (text->find(placeholder) == std::string::npos) {
      return fail(reason::invalid_parameter,
                  fmt::format("{} must contain the placeholder {}.", path, placeholder));
    }
  }
  return std::move(*text);
}

result<std::string> subject(const json_object& o, std::string_view key, std::string_view path,
                            std::string fallback) {
  ASSIGN_OR_RETURN(auto text, string_at(o, key, path));
  if (!text) {
    return fallback;
  }
  if (text->empty() || text->size() > 140 || text->find_first_of("\r\n") != std::string::npos) {
    return fail(reason::invalid_parameter,
                fmt::format("{} must be one line of 1 to 140 characters.", path));
  }
  return std::move(*text);
}

result<void> read_password_policy(const json_object& body, pool::password_policy& p) {
  ASSIGN_OR_RETURN(auto policies, object_at(body, "Policies", "Policies"));
  if (policies == nullptr) {
    return {};
  }
  RETURN_IF_ERROR(refuse_present(*policies, "SignInPolicy"));
  ASSIGN_OR_RETURN(auto policy, object_at(*policies, "PasswordPolicy", "Policies.PasswordPolicy"));
  if (policy == nullptr) {
    return {};
  }
  const auto& pp = *policy;
  ASSIGN_OR_RETURN(auto length, integer_at(pp, "MinimumLength", "PasswordPolicy.MinimumLength", 6, 99));
  if (length) p.min_length = static_cast<int>(*length);
  for (auto [key, field] : {std::pair{"RequireUppercase", &pool::password_policy::require_uppercase},
                            std::pair{"RequireLowercase", &pool::password_policy::require_lowercase},
                            std::pair{"RequireNumbers", &pool::password_policy::require_numbers},
                            std::pair{"RequireSymbols", &pool::password_policy::require_symbols}}) {
    ASSIGN_OR_RETURN(auto flag, bool_at(pp, key, key));
    if (flag) p.*field = *flag;
  }
  ASSIGN_OR_RETURN(auto days, integer_at(pp, "TemporaryPasswordValidityDays",
                                         "PasswordPolicy.TemporaryPasswordValidityDays", 0, 365));
  if (days.value_or(0) > 0) {  // 0 means unset, as in Cognito: the default 7 days stay
    p.temporary_password_days = static_cast<int>(*days);
  }
  ASSIGN_OR_RETURN(auto history, integer_at(pp, "PasswordHistorySize",
                                            "PasswordPolicy.PasswordHistorySize", 0, 24));
  if (history.value_or(0) > 0) {
    return unsupported("PasswordPolicy.PasswordHistorySize");
  }
  return {};
}

result<void> read_messages(const json_object& body, pool::pool_settings& s) {
  auto& e = s.email;
  // The legacy members first; VerificationMessageTemplate wins where both are given.
  ASSIGN_OR_RETURN(e.verification_body,
                   message_template(body, "EmailVerificationMessage", "EmailVerificationMessage",
                                    {"{####}"}, e.verification_body));
  ASSIGN_OR_RETURN(e.verification_subject,
                   subject(body, "EmailVerificationSubject", "EmailVerificationSubject",
                           e.verification_subject));
  ASSIGN_OR_RETURN(auto t, object_at(body, "VerificationMessageTemplate",
                                     "VerificationMessageTemplate"));
  if (t != nullptr) {
    for (auto key : {"SmsMessage", "EmailMessageByLink", "EmailSubjectByLink"}) {
      if (t->contains(key)) {
        return unsupported(fmt::format("VerificationMessageTemplate.{}", key));
      }
    }
    ASSIGN_OR_RETURN(auto option, string_at(*t, "DefaultEmailOption",
                                            "VerificationMessageTemplate.DefaultEmailOption"));
    if (option && *option != "CONFIRM_WITH_CODE") {
      return unsupported("VerificationMessageTemplate.DefaultEmailOption CONFIRM_WITH_LINK");
    }
    ASSIGN_OR_RETURN(e.verification_body,
                     message_template(*t, "EmailMessage", "VerificationMessageTemplate.EmailMessage",
                                      {"{####}"}, e.verification_body));
    ASSIGN_OR_RETURN(e.verification_subject,
                     subject(*t, "EmailSubject", "VerificationMessageTemplate.EmailSubject",
                             e.verification_subject));
  }
  ASSIGN_OR_RETURN(auto admin, object_at(body, "AdminCreateUserConfig", "AdminCreateUserConfig"));
  if (admin != nullptr) {
    ASSIGN_OR_RETURN(auto only, bool_at(*admin, "AllowAdminCreateUserOnly",
                                        "AdminCreateUserConfig.AllowAdminCreateUserOnly"));
    s.admin_create_user_only = only.value_or(false);
    // The legacy validity; Policies.PasswordPolicy.TemporaryPasswordValidityDays (read after
    // this) wins when both are given.
    ASSIGN_OR_RETURN(auto days, integer_at(*admin, "UnusedAccountValidityDays",
                                           "AdminCreateUserConfig.UnusedAccountValidityDays", 0,
                                           365));
    if (days.value_or(0) > 0) {  // 0: unset
      s.password.temporary_password_days = static_cast<int>(*days);
    }
    ASSIGN_OR_RETURN(auto invite, object_at(*admin, "InviteMessageTemplate",
                                            "AdminCreateUserConfig.InviteMessageTemplate"));
    if (invite != nullptr) {
      if (invite->contains("SMSMessage")) {
        return unsupported("InviteMessageTemplate.SMSMessage");
      }
      ASSIGN_OR_RETURN(e.invitation_body,
                       message_template(*invite, "EmailMessage", "InviteMessageTemplate.EmailMessage",
                                        {"{username}", "{####}"}, e.invitation_body));
      ASSIGN_OR_RETURN(e.invitation_subject,
                       subject(*invite, "EmailSubject", "InviteMessageTemplate.EmailSubject",
                               e.invitation_subject));
    }
  }
  return {};
}

result<void> read_email_configuration(const json_object& body, pool::sender_settings& sender) {
  ASSIGN_OR_RETURN(auto c, object_at(body, "EmailConfiguration", "EmailConfiguration"));
  if (c == nullptr) {
    return {};
  }
  ASSIGN_OR_RETURN(auto account, string_at(*c, "EmailSendingAccount",
                                           "EmailConfiguration.EmailSendingAccount"));
  if (account && *account != "COGNITO_DEFAULT" && *account != "DEVELOPER") {
    return fail(reason::invalid_parameter,
                "EmailConfiguration.EmailSendingAccount must be COGNITO_DEFAULT or DEVELOPER.");
  }
  ASSIGN_OR_RETURN(auto from, string_at(*c, "From", "EmailConfiguration.From"));
  if (from) {
    // "Name <address>" or "address".
    std::string name;
    std::string address = *from;
    if (const auto open = from->rfind('<'); open != std::string::npos && from->back() == '>') {
      address = from->substr(open + 1, from->size() - open - 2);
      name = from->substr(0, open);
      while (!name.empty() && name.back() == ' ') name.pop_back();
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
        name = name.substr(1, name.size() - 2);
      }
    }
    if (!pool::looks_like_email(address) || name.find_first_of("\r\n<>\"") != std::string::npos) {
      return fail(reason::invalid_parameter,
                  "EmailConfiguration.From must be an email address or \"Name <address>\".");
    }
    sender.from_email = address;
    sender.from_name = name;
  }
  ASSIGN_OR_RETURN(auto reply_to, string_at(*c, "ReplyToEmailAddress",
                                            "EmailConfiguration.ReplyToEmailAddress"));
  if (reply_to) {
    if (!pool::looks_like_email(*reply_to)) {
      return fail(reason::invalid_parameter,
                  "EmailConfiguration.ReplyToEmailAddress must be an email address.");
    }
    sender.reply_to = *reply_to;
  }
  return {};
}

result<void> read_recovery(const json_object& body, std::string& recovery) {
  ASSIGN_OR_RETURN(auto setting, object_at(body, "AccountRecoverySetting", "AccountRecoverySetting"));
  if (setting == nullptr || !setting->contains("RecoveryMechanisms")) {
    return {};
  }
  const auto& list = setting->at("RecoveryMechanisms");
  if (!list.is_array()) {
    return wrong_type("AccountRecoverySetting.RecoveryMechanisms", "a list");
  }
  std::vector<std::pair<std::int64_t, std::string>> mechanisms;
  for (const auto& m : list.as_array()) {
    if (!m.is_object()) {
      return wrong_type("AccountRecoverySetting.RecoveryMechanisms[]", "an object");
    }
    ASSIGN_OR_RETURN(auto priority, integer_at(m.as_object(), "Priority", "RecoveryMechanisms.Priority", 1, 2));
    ASSIGN_OR_RETURN(auto name, string_at(m.as_object(), "Name", "RecoveryMechanisms.Name"));
    if (!priority || !name) {
      return fail(reason::invalid_parameter, "Each RecoveryMechanisms entry needs Priority and Name.");
    }
    mechanisms.emplace_back(*priority, *name);
  }
  std::sort(mechanisms.begin(), mechanisms.end());
  std::string order;
  for (const auto& [priority, name] : mechanisms) {
    order += order.empty() ? name : "," + name;
  }
  if (order.empty() || order == "verified_email") {
    recovery = "EMAIL_ONLY";
  } else if (order == "admin_only") {
    recovery = "NONE";
  } else if (order == "verified_email,verified_phone_number") {
    recovery = "EMAIL_AND_PHONE_WITHOUT_MFA";
  } else if (order == "verified_phone_number,verified_email") {
    recovery = "PHONE_WITHOUT_MFA_AND_EMAIL";
  } else if (order == "verified_phone_number") {
    return unsupported("AccountRecoverySetting verified_phone_number alone (no SMS)");
  } else {
    return fail(reason::invalid_parameter,
                "AccountRecoverySetting.RecoveryMechanisms: use verified_email, "
                "verified_phone_number (with verified_email) or admin_only alone.");
  }
  return {};
}

result<void> read_mfa(const json_object& body, pool::pool_settings& s) {
  ASSIGN_OR_RETURN(auto mode, string_at(body, "MfaConfiguration", "MfaConfiguration"));
  const auto name = mode.value_or("OFF");
  if (name == "OFF") {
    s.mfa = pool::mfa_mode::off;
  } else if (name == "ON" || name == "OPTIONAL") {
    s.mfa = name == "ON" ? pool::mfa_mode::required : pool::mfa_mode::optional;
    s.totp_enabled = true;  // the one factor there is (SetUserPoolMfaConfig shows it)
  } else {
    return fail(reason::invalid_parameter, "MfaConfiguration must be OFF, ON or OPTIONAL.");
  }
  return {};
}

// Members that ask for a different kind of pool than Cognate's email pools, or for features not
// supported yet.
result<void> refuse_unsupported(const json_object& body) {
  for (auto key : {"LambdaConfig", "SmsVerificationMessage", "SmsAuthenticationMessage",
                   "SmsConfiguration", "DeviceConfiguration", "AliasAttributes"}) {
    RETURN_IF_ERROR(refuse_present(body, key));
  }
  ASSIGN_OR_RETURN(auto add_ons, object_at(body, "UserPoolAddOns", "UserPoolAddOns"));
  if (add_ons != nullptr) {
    ASSIGN_OR_RETURN(auto mode, string_at(*add_ons, "AdvancedSecurityMode",
                                          "UserPoolAddOns.AdvancedSecurityMode"));
    if (mode.value_or("OFF") != "OFF" || add_ons->contains("AdvancedSecurityAdditionalFlows")) {
      return unsupported("UserPoolAddOns (advanced security)");
    }
  }
  auto only_email = [&](std::string_view key) -> result<void> {
    ASSIGN_OR_RETURN(auto names, strings_at(body, key, key));
    if (names && *names != std::vector<std::string>{"email"}) {
      return fail(reason::invalid_parameter,
                  fmt::format("{} must be [\"email\"]: Cognate pools sign users in by their "
                              "verified email address.",
                              key));
    }
    return {};
  };
  RETURN_IF_ERROR(only_email("UsernameAttributes"));
  RETURN_IF_ERROR(only_email("AutoVerifiedAttributes"));
  ASSIGN_OR_RETURN(auto update_settings,
                   object_at(body, "UserAttributeUpdateSettings", "UserAttributeUpdateSettings"));
  if (update_settings != nullptr) {
    ASSIGN_OR_RETURN(auto keep, strings_at(*update_settings,
                                           "AttributesRequireVerificationBeforeUpdate",
                                           "AttributesRequireVerificationBeforeUpdate"));
    if (keep && *keep != std::vector<std::string>{"email"}) {
      return unsupported(
          "UserAttributeUpdateSettings other than [\"email\"] (the original email is kept until "
          "the new one is verified)");
    }
  }
  ASSIGN_OR_RETURN(auto username, object_at(body, "UsernameConfiguration", "UsernameConfiguration"));
  if (username != nullptr) {
    ASSIGN_OR_RETURN(auto sensitive, bool_at(*username, "CaseSensitive",
                                             "UsernameConfiguration.CaseSensitive"));
    if (sensitive.value_or(false)) {
      return unsupported("UsernameConfiguration.CaseSensitive true (emails are case-insensitive)");
    }
  }
  ASSIGN_OR_RETURN(auto protection, string_at(body, "DeletionProtection", "DeletionProtection"));
  if (protection && *protection != "ACTIVE" && *protection != "INACTIVE") {
    return fail(reason::invalid_parameter, "DeletionProtection must be ACTIVE or INACTIVE.");
  }
  ASSIGN_OR_RETURN(auto tier, string_at(body, "UserPoolTier", "UserPoolTier"));
  if (tier && *tier != "LITE" && *tier != "ESSENTIALS" && *tier != "PLUS") {
    return fail(reason::invalid_parameter, "UserPoolTier must be LITE, ESSENTIALS or PLUS.");
  }
  return {};
}

constexpr std::array<std::string_view, 17> standard_attributes = {
    "address",  "birthdate",    "email",   "family_name",        "gender",  "given_name",
    "locale",   "middle_name",  "name",    "nickname",           "phone_number", "picture",
    "preferred_username", "profile", "zoneinfo", "updated_at", "website"};

// A numeric bound of StringAttributeConstraints / NumberAttributeConstraints: a string of digits
// in the API.
result<std::optional<std::int64_t>> bound(const json_object& o, std::string_view key,
                                          std::string_view path) {
  ASSIGN_OR_RETURN(auto text, string_at(o, key, path));
  if (!text) {
    return std::optional<std::int64_t>();
  }
  std::int64_t n = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, n);
  if (ec != std::errc() || ptr != end) {
    return fail(reason::invalid_parameter, fmt::format("{} must be a whole number.", path));
  }
  return std::optional<std::int64_t>(n);
}

result<std::vector<pool::attribute_spec>> read_schema(const json_object& body) {
  std::vector<pool::attribute_spec> out;
  const auto* v = body.if_contains("Schema");
  if (v == nullptr || v->is_null()) {
    return out;
  }
  if (!v->is_array()) {
    return wrong_type("Schema", "a list");
  }
  for (const auto& entry : v->as_array()) {
    if (!entry.is_object()) {
      return wrong_type("Schema[]", "an object");
    }
    const auto& a = entry.as_object();
    ASSIGN_OR_RETURN(auto name, string_at(a, "Name", "Schema.Name"));
    if (!name || name->empty()) {
      return fail(reason::invalid_parameter, "Every Schema entry needs a Name.");
    }
    if (*name == "sub" || *name == "email_verified") {
      continue;  // always there
    }
    ASSIGN_OR_RETURN(auto type, string_at(a, "AttributeDataType", "Schema.AttributeDataType"));
    ASSIGN_OR_RETURN(auto required, bool_at(a, "Required", "Schema.Required"));
    ASSIGN_OR_RETURN(auto is_mutable, bool_at(a, "Mutable", "Schema.Mutable"));
    ASSIGN_OR_RETURN(auto developer_only, bool_at(a, "DeveloperOnlyAttribute",
                                                  "Schema.DeveloperOnlyAttribute"));
    if (developer_only.value_or(false)) {
      return unsupported("Schema.DeveloperOnlyAttribute");
    }
    pool::attribute_spec spec;
    spec.is_mutable = is_mutable.value_or(true);
    const bool standard = std::find(standard_attributes.begin(), standard_attributes.end(),
                                    *name) != standard_attributes.end();
    if (standard) {
      if (type && *type != (*name == "updated_at" ? "Number" : "String")) {
        return fail(reason::invalid_parameter,
                    fmt::format("Schema: {} is a standard attribute of another type.", *name));
      }
      spec.name = *name;
      spec.required = required.value_or(false) || *name == "email";
    } else {
      const auto suffix = name->starts_with("custom:") ? name->substr(7) : *name;
      const bool word = !suffix.empty() && suffix.size() <= 20 &&
                        std::all_of(suffix.begin(), suffix.end(), [](char c) {
                          return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                        });
      if (!word) {
        return fail(reason::invalid_parameter,
                    fmt::format("Schema: custom attribute names are 1 to 20 letters, digits or "
                                "underscores, not {}.",
                                name->substr(0, 64)));
      }
      if (required.value_or(false)) {
        return fail(reason::invalid_parameter, "Required custom attributes are not supported currently.");
      }
      spec.name = "custom:" + suffix;
      spec.custom = true;
      spec.data_type = type.value_or("String");
      if (spec.data_type != "String" && spec.data_type != "Number" &&
          spec.data_type != "Boolean" && spec.data_type != "DateTime") {
        return fail(reason::invalid_parameter,
                    "Schema.AttributeDataType must be String, Number, Boolean or DateTime.");
      }
      ASSIGN_OR_RETURN(auto strings, object_at(a, "StringAttributeConstraints",
                                               "Schema.StringAttributeConstraints"));
      if (strings != nullptr && spec.data_type == "String") {
        ASSIGN_OR_RETURN(spec.min_len, bound(*strings, "MinLength", "StringAttributeConstraints.MinLength"));
        ASSIGN_OR_RETURN(spec.max_len, bound(*strings, "MaxLength", "StringAttributeConstraints.MaxLength"));
        if ((spec.min_len && (*spec.min_len < 0 || *spec.min_len > 2048)) ||
            (spec.max_len && (*spec.max_len < 0 || *spec.max_len > 2048)) ||
            (spec.min_len && spec.max_len && *spec.min_len > *spec.max_len)) {
          return fail(reason::invalid_parameter,
                      "StringAttributeConstraints must satisfy 0 <= MinLength <= MaxLength <= 2048.");
        }
      }
      ASSIGN_OR_RETURN(auto numbers, object_at(a, "NumberAttributeConstraints",
                                               "Schema.NumberAttributeConstraints"));
      if (numbers != nullptr && spec.data_type == "Number") {
        ASSIGN_OR_RETURN(spec.min, bound(*numbers, "MinValue", "NumberAttributeConstraints.MinValue"));
        ASSIGN_OR_RETURN(spec.max, bound(*numbers, "MaxValue", "NumberAttributeConstraints.MaxValue"));
        if (spec.min && spec.max && *spec.min > *spec.max) {
          return fail(reason::invalid_parameter,
                      "NumberAttributeConstraints.MinValue is greater than MaxValue.");
        }
      }
    }
    if (std::any_of(out.begin(), out.end(), [&](const auto& s) { return s.name == spec.name; })) {
      return fail(reason::invalid_parameter,
                  fmt::format("Schema: {} is declared twice.", spec.name));
    }
    out.push_back(std::move(spec));
  }
  return out;
}

// The settings CreateUserPool / UpdateUserPool describe. `settings` holds what the request cannot
// change (the schema and groups of an existing pool); everything it can change starts from the
// default, as in Cognito, where UpdateUserPool resets a member left out.
result<pool::pool_settings> settings_of(const json_object& body, pool::pool_settings settings,
                                        bool creating) {
  RETURN_IF_ERROR(refuse_unsupported(body));
  const pool::pool_settings defaults;
  settings.email = defaults.email;
  settings.password = defaults.password;
  settings.sender = defaults.sender;
  settings.account_recovery = defaults.account_recovery;
  settings.admin_create_user_only = false;
  RETURN_IF_ERROR(read_messages(body, settings));
  RETURN_IF_ERROR(read_password_policy(body, settings.password));
  RETURN_IF_ERROR(read_email_configuration(body, settings.sender));
  RETURN_IF_ERROR(read_recovery(body, settings.account_recovery));
  RETURN_IF_ERROR(read_mfa(body, settings));
  ASSIGN_OR_RETURN(auto protection, string_at(body, "DeletionProtection", "DeletionProtection"));
  settings.deletion_protection = protection.value_or("INACTIVE") == "ACTIVE";
  if (creating) {
    ASSIGN_OR_RETURN(settings.attributes, read_schema(body));
    settings.groups.clear();
  } else if (body.contains("Schema") || body.contains("UsernameAttributes")) {
    return fail(reason::invalid_parameter,
                "UpdateUserPool cannot change the schema or the username attributes.");
  }
  return settings;
}

}  // namespace

result<boost::json::object> create_user_pool(const call& c) {
  decoder in(c.body);
  ASSIGN_OR_RETURN(auto settings, settings_of(c.body, pool::pool_settings{}, true));
  ASSIGN_OR_RETURN(auto record, c.services.pools.create(c.principal->region,
                                                        in.required_string("PoolName"), settings,
                                                        c.principal->name));
  return boost::json::object{{"UserPool", pool_json(record, settings)}};
}

result<boost::json::object> update_user_pool(const call& c) {
  decoder in(c.body);
  // Built on the settings as stored when the change is written (not this node's snapshot).
  auto change = [&](const pool::pool_settings& stored) { return settings_of(c.body, stored, false); };
  RETURN_IF_ERROR(c.services.pools.update(*c.pool, change, in.optional_string("PoolName"),
                                          c.principal->name));
  return boost::json::object{};
}

result<boost::json::object> delete_user_pool(const call& c) {
  RETURN_IF_ERROR(c.services.pools.remove(*c.pool, c.principal->name));
  return boost::json::object{};
}

result<boost::json::object> describe_user_pool(const call& c) {
  ASSIGN_OR_RETURN(auto r, c.services.pools.record(*c.pool));
  return boost::json::object{{"UserPool", pool_json(r, c.pool->settings)}};
}

result<boost::json::object> list_user_pools(const call& c) {
  decoder in(c.body);
  const auto max = in.optional_integer("MaxResults", {.min_length = 1, .max_length = 60}).value_or(60);
  ASSIGN_OR_RETURN(auto page, c.services.pools.list(*c.principal, static_cast<int>(max),
                                                    in.optional_string("NextToken").value_or("")));
  boost::json::array pools;
  for (const auto& p : page.pools) {
    pools.push_back({{"Id", p.id},
                     {"Name", p.name},
                     {"LambdaConfig", boost::json::object{}},
                     {"LastModifiedDate", epoch_seconds(p.updated_at)},
                     {"CreationDate", epoch_seconds(p.created_at)}});
  }
  boost::json::object out{{"UserPools", pools}};
  if (!page.next_token.empty()) {
    out["NextToken"] = page.next_token;
  }
  return out;
}

result<boost::json::object> get_user_pool_mfa_config(const call& c) {
  const auto& s = c.pool->settings;
  boost::json::object out{{"SoftwareTokenMfaConfiguration", {{"Enabled", s.totp_enabled}}},
                          {"MfaConfiguration", mfa_name(s.mfa)}};
  if (s.email_mfa_enabled) {
    out["EmailMfaConfiguration"] = {{"Message", s.email.mfa_body}, {"Subject", s.email.mfa_subject}};
  }
  return out;
}

result<boost::json::object> get_csv_header(const call& c) {
  boost::json::array header;
  for (const auto& column : pool::csv_header(c.pool->settings)) {
    header.emplace_back(column);
  }
  return boost::json::object{{"UserPoolId", c.pool->id}, {"CSVHeader", std::move(header)}};
}

result<boost::json::object> set_user_pool_mfa_config(const call& c) {
  decoder in(c.body);
  auto enabled = [&](std::string_view member) -> std::optional<bool> {
    const auto* v = c.body.if_contains(member);
    if (v == nullptr || !v->is_object()) {
      return std::nullopt;
    }
    const auto* e = v->as_object().if_contains("Enabled");
    return e != nullptr && e->is_bool() ? std::optional<bool>(e->as_bool()) : std::nullopt;
  };
  if (c.body.contains("SmsMfaConfiguration")) {
    return fail(reason::invalid_parameter,
                "SMS MFA is not supported yet: configure SoftwareTokenMfaConfiguration.");
  }
  // What GetUserPoolMfaConfig shows may be sent back as it is (tools read, change, write);
  // anything else about email MFA is the config's.
  if (const auto* e = c.body.if_contains("EmailMfaConfiguration"); e != nullptr) {
    const auto& s = c.pool->settings;
    const bool same = s.email_mfa_enabled && e->is_object() &&
                      e->as_object() == boost::json::object{{"Message", s.email.mfa_body},
                                                            {"Subject", s.email.mfa_subject}};
    if (!same) {
      return fail(reason::invalid_parameter,
                  "Email MFA is set by the pool's config (multifactor.email with senders.email in "
                  "amplify/auth.json or resource.ts), not yet through SetUserPoolMfaConfig.");
    }
  }
  RETURN_IF_ERROR(c.services.pools.set_mfa(*c.pool, in.optional_string("MfaConfiguration"),
                                           enabled("SoftwareTokenMfaConfiguration"),
                                           c.principal->name));
  // The answer describes the configuration now in force.
  const auto mode = in.optional_string("MfaConfiguration").value_or(std::string(mfa_name(c.pool->settings.mfa)));
  const auto totp = enabled("SoftwareTokenMfaConfiguration").value_or(c.pool->settings.totp_enabled);
  boost::json::object out{{"SoftwareTokenMfaConfiguration", {{"Enabled", totp}}},
                          {"MfaConfiguration", mode}};
  if (c.pool->settings.email_mfa_enabled) {
    out["EmailMfaConfiguration"] = {{"Message", c.pool->settings.email.mfa_body},
                                    {"Subject", c.pool->settings.email.mfa_subject}};
  }
  return out;
}

}  // namespace cognate::api::handlers
