// User pools, SigV4-signed (protocol doc cognito-admin-api.md §7): DescribeUserPool,
// ListUserPools, GetUserPoolMfaConfig, SetUserPoolMfaConfig. The description says what the pool's
// settings (amplify/auth.json's defineAuth keys) mean in Cognito's terms.
#include "api/handlers.h"
#include "common/reasons.h"

#include <fmt/format.h>

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

boost::json::object pool_json(const pool::pool_entry& pool, const store::pool_record& r) {
  const auto& s = pool.settings;
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
  boost::json::array recovery;
  if (s.account_recovery != "NONE") {
    recovery.push_back({{"Priority", 1}, {"Name", "verified_email"}});
  }
  return {
      {"Id", pool.id},
      {"Name", r.name},
      {"Arn", fmt::format("arn:aws:cognito-idp:{}:000000000000:userpool/{}",
                          pool.id.substr(0, pool.id.find('_')), pool.id)},
      {"Policies",
       {{"PasswordPolicy",
         {{"MinimumLength", s.password.min_length},
          {"RequireUppercase", s.password.require_uppercase},
          {"RequireLowercase", s.password.require_lowercase},
          {"RequireNumbers", s.password.require_numbers},
          {"RequireSymbols", s.password.require_symbols},
          {"TemporaryPasswordValidityDays", 7}}}}},
      {"DeletionProtection", "INACTIVE"},
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
      {"UserAttributeUpdateSettings", {{"AttributesRequireVerificationBeforeUpdate", {"email"}}}},
      {"MfaConfiguration", mfa_name(s.mfa)},
      {"EmailConfiguration", email_configuration},
      {"AdminCreateUserConfig",
       {{"AllowAdminCreateUserOnly", false},
        {"InviteMessageTemplate",
         {{"EmailMessage", s.email.invitation_body}, {"EmailSubject", s.email.invitation_subject}}}}},
      {"AccountRecoverySetting", {{"RecoveryMechanisms", recovery}}},
  };
}

}  // namespace

result<boost::json::object> describe_user_pool(const call& c) {
  ASSIGN_OR_RETURN(auto r, c.services.pools.record(*c.pool));
  return boost::json::object{{"UserPool", pool_json(*c.pool, r)}};
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
  return boost::json::object{
      {"SoftwareTokenMfaConfiguration", {{"Enabled", c.pool->settings.totp_enabled}}},
      {"MfaConfiguration", mfa_name(c.pool->settings.mfa)}};
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
  if (c.body.contains("SmsMfaConfiguration") || enabled("EmailMfaConfiguration").value_or(false)) {
    return fail(reason::invalid_parameter,
                "SMS and email MFA are not supported yet: configure SoftwareTokenMfaConfiguration.");
  }
  RETURN_IF_ERROR(c.services.pools.set_mfa(*c.pool, in.optional_string("MfaConfiguration"),
                                           enabled("SoftwareTokenMfaConfiguration"),
                                           c.principal->name));
  // The answer describes the configuration now in force.
  const auto mode = in.optional_string("MfaConfiguration").value_or(std::string(mfa_name(c.pool->settings.mfa)));
  const auto totp = enabled("SoftwareTokenMfaConfiguration").value_or(c.pool->settings.totp_enabled);
  return boost::json::object{{"SoftwareTokenMfaConfiguration", {{"Enabled", totp}}},
                             {"MfaConfiguration", mode}};
}

}  // namespace cognate::api::handlers
