#include "api/service.h"

#include "common/reasons.h"
#include "api/decoder.h"
#include "mfa/qr_svg.h"
#include "pool/auth_config.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace cognate::api {
namespace {

constexpr std::array<std::pair<std::string_view, operation>, 12> operations = {{
    {"SignUp", sign_up},
    {"ConfirmSignUp", confirm_sign_up},
    {"ResendConfirmationCode", resend_confirmation_code},
    {"InitiateAuth", initiate_auth},
    {"RespondToAuthChallenge", respond_to_auth_challenge},
    {"AssociateSoftwareToken", associate_software_token},
    {"VerifySoftwareToken", verify_software_token},
    {"SetUserMFAPreference", set_user_mfa_preference},
    {"GetUser", get_user},
    {"GlobalSignOut", global_sign_out},
    {"RevokeToken", revoke_token},
    {"GetTokensFromRefreshToken", get_tokens_from_refresh_token},
}};

}  // namespace

bool service::reads_only(std::string_view target) {
  return target.starts_with(target_prefix) && target.substr(target_prefix.size()) == "GetUser";
}

reply service::handle(std::string_view target, std::string_view body) const {
  if (!target.starts_with(target_prefix)) {
    return error_reply(fail(target.empty() ? reason::missing_target : reason::malformed_target));
  }
  auto name = target.substr(target_prefix.size());
  const auto* found = std::find_if(operations.begin(), operations.end(),
                                   [&](const auto& op) { return op.first == name; });
  if (found == operations.end()) {
    return error_reply(
        fail(reason::unsupported_operation, name.substr(0, 64)));
  }
  auto decoded = parse_body(body);
  if (!decoded) {
    return error_reply(decoded.error());
  }
  auto answer = found->second(ctx_, *decoded);
  if (!answer) {
    return error_reply(answer.error());
  }
  reply r;
  r.body = boost::json::serialize(*answer);
  return r;
}

std::optional<reply> service::handle_get(std::string_view path) const {
  if (path == "/_cognate/config") {
    const auto& o = ctx_.users.options();
    auto settings = ctx_.users.settings();
    reply r;
    r.content_type = "application/json";
    r.body = boost::json::serialize(boost::json::object{
        {"userPoolId", o.pool_id},
        {"clientId", o.client_id},
        {"appName", o.app_name},
        {"mfa", pool::to_string(settings->mfa)},
        {"totp", settings->totp_enabled},
        {"passwordPolicy",
         {{"minLength", settings->password.min_length},
          {"requireLowercase", settings->password.require_lowercase},
          {"requireUppercase", settings->password.require_uppercase},
          {"requireNumbers", settings->password.require_numbers},
          {"requireSymbols", settings->password.require_symbols}}}});
    return r;
  }
  const std::string prefix = "/" + ctx_.users.options().pool_id + "/.well-known/";
  if (!path.starts_with(prefix)) {
    return std::nullopt;
  }
  auto rest = path.substr(prefix.size());
  reply r;
  r.content_type = "application/json";
  if (rest == "jwks.json") {
    r.body = boost::json::serialize(ctx_.sign_in.keys().jwks());
    return r;
  }
  if (rest == "openid-configuration") {
    const auto& issuer = ctx_.sign_in.issuer();
    r.body = boost::json::serialize(boost::json::object{
        {"issuer", issuer},
        {"jwks_uri", ctx_.sign_in.pool_url() + "/.well-known/jwks.json"},
        {"response_types_supported", boost::json::array{"code", "token"}},
        {"subject_types_supported", boost::json::array{"public"}},
        {"id_token_signing_alg_values_supported", boost::json::array{"RS256"}},
        {"scopes_supported", boost::json::array{"openid", "email", "profile"}},
        {"token_endpoint_auth_methods_supported", boost::json::array{"client_secret_basic", "client_secret_post"}},
        {"claims_supported", boost::json::array{"sub", "email", "email_verified", "cognito:username",
                                                "aud", "iss", "exp", "iat", "auth_time", "token_use"}}});
    return r;
  }
  return std::nullopt;
}

reply service::handle_qr(std::string_view body) const {
  if (!body.starts_with("otpauth://")) {
    return error_reply(fail(reason::qr_not_otpauth));
  }
  auto svg = mfa::qr_svg(body);
  if (!svg) {
    return error_reply(svg.error());
  }
  reply r;
  r.content_type = "image/svg+xml";
  r.body = std::move(*svg);
  return r;
}

}  // namespace cognate::api
