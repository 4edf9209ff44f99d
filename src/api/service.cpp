#include "api/service.h"

#include "api/decoder.h"
#include "api/rate_limit.h"
#include "auth/client_secret.h"
#include "common/metrics.h"
#include "common/reasons.h"

#include <algorithm>

namespace cognate::api {

const operation_spec* service::find(std::string_view target) const {
  if (!target.starts_with(target_prefix)) {
    return nullptr;
  }
  const auto name = target.substr(target_prefix.size());
  const auto found = std::find_if(operations_.begin(), operations_.end(),
                                   [&](const operation_spec& op) { return op.name == name; });
  return found == operations_.end() ? nullptr : &*found;
}

std::optional<reply> service::refuse_over_limit(std::string_view target,
                                               std::string_view address) const {
  if (services_.limiter == nullptr) {
    return std::nullopt;
  }
  const auto* op = find(target);
  if (op == nullptr || op->auth == authentication::sigv4 ||
      services_.limiter->admit_address(op->limit, address, rate_limiter::clock::now())) {
    return std::nullopt;
  }
  metrics::process().rate_limited.with({std::string(limit_class_name(op->limit)), "address"}).add();
  return error_reply(fail(reason::rate_exceeded, limit_class_name(op->limit), "your address"));
}

reply service::handle(const request_context& request) const {
  const auto target = request.target;
  if (!target.starts_with(target_prefix)) {
    return error_reply(fail(target.empty() ? reason::missing_target : reason::malformed_target));
  }
  const auto* op = find(target);
  if (op == nullptr) {
    return error_reply(fail(reason::unsupported_operation, target.substr(target_prefix.size(), 64)));
  }
  call_facts facts;
  auto answer = run(request, *op, facts);
  reply r = answer ? reply{.body = boost::json::serialize(*answer)} : error_reply(answer.error());
  r.pool_id = std::move(facts.pool_id);
  r.client_id = std::move(facts.client_id);
  r.user_sub = std::move(facts.user_sub);
  return r;
}

result<boost::json::object> service::run(const request_context& request,
                                         const operation_spec& op, call_facts& facts) const {
  const auto directory = services_.directory.current();
  // A signed operation checks its signature before it reads anything else, as AWS does.
  std::optional<auth::operator_principal> principal;
  if (op.auth == authentication::sigv4) {
    std::vector<std::string> regions{std::string(services_.region)};
    for (const auto& p : directory->pools()) {
      regions.push_back(p->id.substr(0, p->id.find('_')));
    }
    const auto headers = request.headers.entries();
    const auth::signed_request signed_request{.method = request.method,
                                              .path = request.path,
                                              .query = request.query,
                                              .headers = headers,
                                              .body = request.body};
    ASSIGN_OR_RETURN(principal, services_.auth.operators.check(signed_request, regions));
  }
  ASSIGN_OR_RETURN(auto body, parse_body(request.body));
  decoder in(body);
  in.validate(op.members);
  if (in.error()) {
    return *in.error();
  }
  call c{.request = request, .body = body, .services = services_, .directory = *directory};
  if (principal) {
    c.principal = &*principal;
  }

  // Who is calling.
  std::optional<auth::caller> caller;
  std::optional<std::string> token;
  switch (op.auth) {
    case authentication::none:
      break;
    case authentication::access_token:
      token = in.required_string("AccessToken");
      break;
    case authentication::access_token_or_session:
      token = in.optional_string("AccessToken");
      if (token.has_value() == in.optional_string("Session").has_value()) {
        return fail(reason::exactly_one_of_token_and_session);
      }
      break;
    case authentication::sigv4:
      break;  // checked above
  }
  if (token) {
    ASSIGN_OR_RETURN(caller, services_.auth.guard.check(*directory, *token));
    c.caller = &*caller;
    c.pool = caller->pool.get();
    facts.user_sub = caller->user.id;
  }

  // Which pool.
  switch (op.pool) {
    case pool_lookup::client_id: {
      const auto id = in.required_string("ClientId");
      c.client = directory->client(id);
      if (c.client == nullptr) {
        return fail(reason::client_not_found, id);
      }
      c.pool = c.client->pool.get();
      facts.client_id = id;
      if (services_.limiter != nullptr) {
        const auto verdict = services_.limiter->admit_pool(op.limit, c.pool->id, id, request.peer,
                                                           rate_limiter::clock::now());
        if (verdict != rate_limiter::verdict::admitted) {
          metrics::process()
              .rate_limited
              .with({std::string(limit_class_name(op.limit)),
                     verdict == rate_limiter::verdict::client_over ? "client" : "address"})
              .add();
          return fail(reason::rate_exceeded, limit_class_name(op.limit),
                      verdict == rate_limiter::verdict::client_over ? "this app client"
                                                                    : "your address");
        }
      }
      break;
    }
    case pool_lookup::user_pool_id: {
      const auto id = in.required_string("UserPoolId");
      c.pool = directory->pool(id).get();
      if (c.pool == nullptr) {
        return fail(reason::pool_not_found, id);
      }
      break;
    }
    case pool_lookup::none:
    case pool_lookup::access_token:  // found with the caller above
    case pool_lookup::session:       // the handler finds it with the Session
      break;
  }
  if (c.pool != nullptr) {
    facts.pool_id = c.pool->id;
  }
  if (principal) {
    RETURN_IF_ERROR(auth::operator_guard::authorize(*principal, op.name, c.pool ? c.pool->id : ""));
  }
  if (op.proof != secret_proof::none) {
    if (c.client == nullptr) {  // an admin operation: its ClientId must be of the pool named
      const auto id = in.required_string("ClientId");
      c.client = directory->client(id);
      if (c.client == nullptr || c.pool == nullptr || c.client->pool->id != c.pool->id) {
        return fail(reason::client_not_found, id);
      }
    }
    RETURN_IF_ERROR(check_proof(op.proof, *c.client, in));
  }
  return op.run(c);
}

result<void> service::check_proof(secret_proof proof, const pool::client_entry& client,
                                  decoder& in) {
  if (!client.has_secret()) {
    return {};
  }
  auto entry = [&](std::string_view map, std::string_view key) -> std::optional<std::string> {
    const auto values = in.string_map(map);
    const auto it = values.find(std::string(key));
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  switch (proof) {
    case secret_proof::none:
      return {};
    case secret_proof::secret_hash:
      return auth::check_secret_hash(client, in.required_string("Username"),
                                     in.optional_string("SecretHash"));
    case secret_proof::auth_parameters: {
      const auto flow = in.required_string("AuthFlow");
      const auto hash = entry("AuthParameters", "SECRET_HASH");
      if (flow == "REFRESH_TOKEN_AUTH" || flow == "REFRESH_TOKEN") {
        // Over the token's user, whom only the refresh finds: there, once the token is read.
        if (!hash || hash->empty()) {
          return fail(reason::client_secret_missing, client.record.id);
        }
        return {};
      }
      return auth::check_secret_hash(client, entry("AuthParameters", "USERNAME").value_or(""),
                                     hash);
    }
    case secret_proof::challenge_responses:
      return auth::check_secret_hash(client,
                                     entry("ChallengeResponses", "USERNAME").value_or(""),
                                     entry("ChallengeResponses", "SECRET_HASH"));
    case secret_proof::client_secret:
      return auth::check_client_secret(client, in.optional_string("ClientSecret"));
  }
  return {};
}


}  // namespace cognate::api
