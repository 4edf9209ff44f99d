// InitiateAuth, RespondToAuthChallenge, their admin forms (signed; the pool by UserPoolId) and the
// refresh-token operations (protocol doc §3–§5, §7; cognito-admin-api.md §5.11).
#include "api/handlers.h"
#include "common/reasons.h"

namespace cognate::api::handlers {
namespace {

boost::json::object auth_step_json(const auth::auth_step& step) {
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
  if (!step.available_challenges.empty()) {
    boost::json::array available;  // a JSON array at the top level, not text in the parameters
    for (const auto& name : step.available_challenges) {
      available.emplace_back(name);
    }
    out["AvailableChallenges"] = std::move(available);
  }
  return out;
}

// Where the call came from, for the sign-in's audit events.
auth::call_origin origin_of(const call& c) {
  return {.ip = std::string(c.request.peer),
          .user_agent = std::string(c.request.headers.get("user-agent"))};
}

}  // namespace

result<boost::json::object> initiate_auth(const call& c) {
  decoder in(c.body);
  ASSIGN_OR_RETURN(auto step, c.services.auth.flow.initiate_auth(
                                  *c.client, in.required_string("AuthFlow"),
                                  in.string_map("AuthParameters"), origin_of(c)));
  return auth_step_json(step);
}

result<boost::json::object> respond_to_auth_challenge(const call& c) {
  decoder in(c.body);
  ASSIGN_OR_RETURN(auto step, c.services.auth.flow.respond_to_auth_challenge(
                                  *c.client, in.required_string("ChallengeName"),
                                  in.optional_string("Session").value_or(""),
                                  in.string_map("ChallengeResponses"), origin_of(c)));
  return auth_step_json(step);
}

result<boost::json::object> admin_initiate_auth(const call& c) {
  decoder in(c.body);  // the service found the client (of the pool named) and checked its proof
  ASSIGN_OR_RETURN(auto step, c.services.auth.flow.admin_initiate_auth(
                                  *c.client, in.required_string("AuthFlow"),
                                  in.string_map("AuthParameters"), origin_of(c)));
  return auth_step_json(step);
}

result<boost::json::object> admin_respond_to_auth_challenge(const call& c) {
  decoder in(c.body);
  ASSIGN_OR_RETURN(auto step, c.services.auth.flow.respond_to_auth_challenge(
                                  *c.client, in.required_string("ChallengeName"),
                                  in.optional_string("Session").value_or(""),
                                  in.string_map("ChallengeResponses"), origin_of(c)));
  return auth_step_json(step);
}

result<boost::json::object> revoke_token(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(c.services.auth.tokens.revoke(*c.client, in.required_string("Token")));
  return boost::json::object{};
}

result<boost::json::object> get_tokens_from_refresh_token(const call& c) {
  decoder in(c.body);
  // A client with a secret proved it with ClientSecret (the service checked it).
  ASSIGN_OR_RETURN(auto tokens,
                   c.services.auth.tokens.refresh(*c.client, in.required_string("RefreshToken"),
                                                  {.proven_by_client_secret = true}));
  return auth_step_json(auth::auth_step{.tokens = std::move(tokens)});
}

}  // namespace cognate::api::handlers
