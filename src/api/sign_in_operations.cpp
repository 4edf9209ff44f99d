// InitiateAuth, RespondToAuthChallenge, TOTP enrolment, and the operations signed-in users call
// with their tokens (protocol doc §3–§4).
#include "api/decoder.h"
#include "common/reasons.h"
#include "api/service.h"

#include <algorithm>

namespace cognate::api {
namespace {

constexpr string_rule client_id_rule{1, 128, true};
constexpr string_rule token_rule{1, 8192, true};
constexpr string_rule session_rule{20, 2048, true};

// AuthParameters / ChallengeResponses: a map of strings; null values count as absent.
pool::string_map string_map(const boost::json::object& body, std::string_view member,
                            std::optional<failure>& error) {
  pool::string_map out;
  const auto* v = body.if_contains(member);
  if (v == nullptr || v->is_null()) {
    return out;
  }
  if (!v->is_object() || v->as_object().size() > 64) {
    error = fail(reason::member_malformed, member, "an object of strings");
    return out;
  }
  for (const auto& [key, value] : v->as_object()) {
    if (value.is_null()) {
      continue;
    }
    if (!value.is_string() || value.as_string().size() > 8192) {
      error = fail(reason::member_malformed, fmt::format("{}.{}", member, std::string_view(key)), "a string");
      return out;
    }
    out.emplace(std::string(key), std::string(value.as_string()));
  }
  return out;
}

boost::json::object auth_step_json(const pool::auth_step& step) {
  boost::json::object params;
  for (const auto& [k, v] : step.parameters) {
    params[k] = v;
  }
  boost::json::object out{{"ChallengeParameters", params}};
  if (step.tokens) {
    boost::json::object tokens{{"AccessToken", step.tokens->access_token},
                               {"IdToken", step.tokens->id_token},
                               {"ExpiresIn", step.tokens->expires_in},
                               {"TokenType", "Bearer"}};
    if (!step.tokens->refresh_token.empty()) {
      tokens["RefreshToken"] = step.tokens->refresh_token;
    }
    out["AuthenticationResult"] = tokens;
  } else {
    out["ChallengeName"] = step.challenge_name;
    out["Session"] = step.session;
  }
  return out;
}

std::optional<pool::mfa_preference> preference(const boost::json::object& body,
                                               std::string_view member,
                                               std::optional<failure>& error) {
  const auto* v = body.if_contains(member);
  if (v == nullptr || v->is_null()) {
    return std::nullopt;
  }
  if (!v->is_object()) {
    error = fail(reason::member_malformed, member, "an object");
    return std::nullopt;
  }
  pool::mfa_preference out;
  for (const char* key : {"Enabled", "PreferredMfa"}) {
    const auto* f = v->as_object().if_contains(key);
    if (f == nullptr || f->is_null()) {
      continue;
    }
    if (!f->is_bool()) {
      error = fail(reason::member_malformed, fmt::format("{}.{}", member, key), "a boolean");
      return std::nullopt;
    }
    (std::string_view(key) == "Enabled" ? out.enabled : out.preferred) = f->as_bool();
  }
  return out;
}

result<pool::token_or_session> token_or_session(decoder& in) {
  pool::token_or_session who;
  who.access_token = in.optional_string("AccessToken", token_rule);
  who.session = in.optional_string("Session", session_rule);
  if (in.error()) {
    return *in.error();
  }
  if (who.access_token.has_value() == who.session.has_value()) {
    return fail(reason::exactly_one_of_token_and_session);
  }
  return who;
}

}  // namespace

result<boost::json::object> initiate_auth(const operation_context& ctx,
                                          const boost::json::object& body) {
  decoder in(body);
  auto client_id = in.required_string("ClientId", client_id_rule);
  auto flow = in.required_string("AuthFlow", {1, 64, true});
  std::optional<failure> error;
  auto parameters = string_map(body, "AuthParameters", error);
  if (in.error()) {
    return *in.error();
  }
  if (error) {
    return *error;
  }
  auto step = ctx.sign_in.initiate_auth(client_id, flow, parameters);
  if (!step) {
    return step.error();
  }
  return auth_step_json(*step);
}

result<boost::json::object> respond_to_auth_challenge(const operation_context& ctx,
                                                      const boost::json::object& body) {
  decoder in(body);
  auto client_id = in.required_string("ClientId", client_id_rule);
  auto name = in.required_string("ChallengeName", {1, 64, true});
  auto session = in.optional_string("Session", session_rule).value_or("");
  std::optional<failure> error;
  auto responses = string_map(body, "ChallengeResponses", error);
  if (in.error()) {
    return *in.error();
  }
  if (error) {
    return *error;
  }
  auto step = ctx.sign_in.respond_to_auth_challenge(client_id, name, session, responses);
  if (!step) {
    return step.error();
  }
  return auth_step_json(*step);
}

result<boost::json::object> associate_software_token(const operation_context& ctx,
                                                     const boost::json::object& body) {
  decoder in(body);
  auto who = token_or_session(in);
  if (!who) {
    return who.error();
  }
  auto associated = ctx.sign_in.associate_software_token(*who);
  if (!associated) {
    return associated.error();
  }
  boost::json::object out{{"SecretCode", associated->secret_code}};
  if (!associated->session.empty()) {
    out["Session"] = associated->session;
  }
  return out;
}

result<boost::json::object> verify_software_token(const operation_context& ctx,
                                                  const boost::json::object& body) {
  decoder in(body);
  auto code = in.required_string("UserCode", {6, 6, true});
  in.optional_string("FriendlyDeviceName", {0, 256});
  if (!in.error() && !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return fail(reason::value_pattern, "userCode", "[0-9]+");
  }
  auto who = token_or_session(in);
  if (!who) {
    return who.error();
  }
  auto verified = ctx.sign_in.verify_software_token(*who, code);
  if (!verified) {
    return verified.error();
  }
  boost::json::object out{{"Status", "SUCCESS"}};
  if (!verified->session.empty()) {
    out["Session"] = verified->session;
  }
  return out;
}

result<boost::json::object> set_user_mfa_preference(const operation_context& ctx,
                                                    const boost::json::object& body) {
  decoder in(body);
  auto token = in.required_string("AccessToken", token_rule);
  std::optional<failure> error;
  auto totp = preference(body, "SoftwareTokenMfaSettings", error);
  auto sms = preference(body, "SMSMfaSettings", error);
  auto email = preference(body, "EmailMfaSettings", error);
  if (in.error()) {
    return *in.error();
  }
  if (error) {
    return *error;
  }
  RETURN_IF_ERROR(ctx.sign_in.set_user_mfa_preference(token, totp, sms, email));
  return boost::json::object{};
}

result<boost::json::object> get_user(const operation_context& ctx,
                                     const boost::json::object& body) {
  decoder in(body);
  auto token = in.required_string("AccessToken", token_rule);
  if (in.error()) {
    return *in.error();
  }
  auto profile = ctx.sign_in.get_user(token);
  if (!profile) {
    return profile.error();
  }
  boost::json::array attributes;
  // sub first, as Cognito lists it.
  attributes.push_back({{"Name", "sub"}, {"Value", profile->attributes.at("sub")}});
  for (const auto& [name, value] : profile->attributes) {
    if (name != "sub") {
      attributes.push_back({{"Name", name}, {"Value", value}});
    }
  }
  boost::json::object out{{"Username", profile->username}, {"UserAttributes", attributes}};
  if (!profile->mfa_settings.empty()) {
    boost::json::array list;
    for (const auto& m : profile->mfa_settings) {
      list.push_back(boost::json::value(m));
    }
    out["UserMFASettingList"] = list;
  }
  if (!profile->preferred_mfa.empty()) {
    out["PreferredMfaSetting"] = profile->preferred_mfa;
  }
  return out;
}

result<boost::json::object> global_sign_out(const operation_context& ctx,
                                            const boost::json::object& body) {
  decoder in(body);
  auto token = in.required_string("AccessToken", token_rule);
  if (in.error()) {
    return *in.error();
  }
  RETURN_IF_ERROR(ctx.sign_in.global_sign_out(token));
  return boost::json::object{};
}

result<boost::json::object> revoke_token(const operation_context& ctx,
                                         const boost::json::object& body) {
  decoder in(body);
  auto token = in.required_string("Token", token_rule);
  auto client_id = in.required_string("ClientId", client_id_rule);
  in.optional_string("ClientSecret", {0, 256});
  if (in.error()) {
    return *in.error();
  }
  RETURN_IF_ERROR(ctx.sign_in.revoke_token(client_id, token));
  return boost::json::object{};
}

result<boost::json::object> get_tokens_from_refresh_token(const operation_context& ctx,
                                                          const boost::json::object& body) {
  decoder in(body);
  auto token = in.required_string("RefreshToken", token_rule);
  auto client_id = in.required_string("ClientId", client_id_rule);
  in.optional_string("ClientSecret", {0, 256});
  in.optional_string("DeviceKey", {0, 256});
  if (in.error()) {
    return *in.error();
  }
  auto tokens = ctx.sign_in.refresh(client_id, token);
  if (!tokens) {
    return tokens.error();
  }
  return auth_step_json(pool::auth_step{"", "", {}, std::move(*tokens)});
}

}  // namespace cognate::api
