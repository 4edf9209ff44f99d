// App clients, SigV4-signed (protocol doc cognito-admin-api.md §7): CreateUserPoolClient,
// DescribeUserPoolClient, UpdateUserPoolClient, ListUserPoolClients, DeleteUserPoolClient.
// Validities travel in Cognito's units (TokenValidityUnits; defaults hours, hours, days) and are
// answered in seconds.
#include "api/handlers.h"
#include "common/reasons.h"

#include <fmt/format.h>

namespace cognate::api::handlers {
namespace {

boost::json::array strings(const std::vector<std::string>& v) {
  boost::json::array out;
  for (const auto& s : v) {
    out.emplace_back(s);
  }
  return out;
}

// `secret`: the client's secret in the clear ("" for a public client, which has none to show).
boost::json::object client_json(const store::client_record& c, const std::string& secret) {
  boost::json::object out{{"UserPoolId", c.pool_id},
          {"ClientName", c.name},
          {"ClientId", c.id},
          {"LastModifiedDate", epoch_seconds(c.updated_at)},
          {"CreationDate", epoch_seconds(c.created_at)},
          {"AccessTokenValidity", c.access_token_validity},
          {"IdTokenValidity", c.id_token_validity},
          {"RefreshTokenValidity", c.refresh_token_validity},
          {"TokenValidityUnits",
           {{"AccessToken", "seconds"}, {"IdToken", "seconds"}, {"RefreshToken", "seconds"}}},
          {"ReadAttributes", strings(c.read_attributes)},
          {"WriteAttributes", strings(c.write_attributes)},
          {"ExplicitAuthFlows", strings(c.auth_flows)},
          {"PreventUserExistenceErrors", c.prevent_user_existence_errors ? "ENABLED" : "LEGACY"},
          {"EnableTokenRevocation", true},
          {"AuthSessionValidity", c.auth_session_validity / 60}};
  if (!secret.empty()) {
    out["ClientSecret"] = secret;
  }
  return out;
}

result<boost::json::object> client_answer(const call& c, const store::client_record& client) {
  ASSIGN_OR_RETURN(auto secret, c.services.clients.secret_of(client));
  return boost::json::object{{"UserPoolClient", client_json(client, secret)}};
}

// Seconds in one `unit` ("seconds", "minutes", "hours", "days").
result<std::int64_t> unit_seconds(const boost::json::object& units, std::string_view key,
                                  std::string_view fallback) {
  std::string_view unit = fallback;
  if (const auto* v = units.if_contains(key); v && v->is_string()) {
    unit = v->as_string();
  }
  if (unit == "seconds") return 1;
  if (unit == "minutes") return 60;
  if (unit == "hours") return 3600;
  if (unit == "days") return 86400;
  return fail(reason::invalid_parameter,
              fmt::format("TokenValidityUnits.{} must be seconds, minutes, hours or days.", key));
}

// `creating`: CreateUserPoolClient, the one place a secret can be asked for.
result<auth::client_changes> changes_of(const call& c, bool creating) {
  decoder in(c.body);
  auth::client_changes out;
  if (c.body.contains("GenerateSecret") && !creating) {
    return fail(reason::invalid_parameter,
                "GenerateSecret can only be given to CreateUserPoolClient: a client keeps the "
                "secret it was created with (or none).");
  }
  out.generate_secret = in.optional_bool("GenerateSecret").value_or(false);
  if (!in.optional_bool("EnableTokenRevocation").value_or(true)) {
    return fail(reason::invalid_parameter,
                "EnableTokenRevocation cannot be turned off: tokens are always revocable here.");
  }
  boost::json::object units;
  if (const auto* u = c.body.if_contains("TokenValidityUnits"); u && u->is_object()) {
    units = u->as_object();
  }
  out.name = in.optional_string("ClientName");
  if (c.body.contains("ExplicitAuthFlows")) {
    out.auth_flows = in.string_list("ExplicitAuthFlows");
  }
  if (c.body.contains("ReadAttributes")) {
    out.read_attributes = in.string_list("ReadAttributes");
  }
  if (c.body.contains("WriteAttributes")) {
    out.write_attributes = in.string_list("WriteAttributes");
  }
  constexpr string_rule any{.min_length = 0, .max_length = 1'000'000'000};
  if (auto v = in.optional_integer("AccessTokenValidity", any)) {
    ASSIGN_OR_RETURN(auto s, unit_seconds(units, "AccessToken", "hours"));
    out.access_token_validity = *v * s;
  }
  if (auto v = in.optional_integer("IdTokenValidity", any)) {
    ASSIGN_OR_RETURN(auto s, unit_seconds(units, "IdToken", "hours"));
    out.id_token_validity = *v * s;
  }
  if (auto v = in.optional_integer("RefreshTokenValidity", any)) {
    ASSIGN_OR_RETURN(auto s, unit_seconds(units, "RefreshToken", "days"));
    out.refresh_token_validity = *v * s;
  }
  if (auto v = in.optional_integer("AuthSessionValidity", {.min_length = 3, .max_length = 15})) {
    out.auth_session_validity = *v * 60;
  }
  if (auto p = in.optional_string("PreventUserExistenceErrors")) {
    if (*p != "ENABLED" && *p != "LEGACY") {
      return fail(reason::invalid_parameter, "PreventUserExistenceErrors must be ENABLED or LEGACY.");
    }
    out.prevent_user_existence_errors = *p == "ENABLED";
  }
  if (in.error()) {
    return *in.error();
  }
  return out;
}

const std::string& actor(const call& c) { return c.principal->name; }

}  // namespace

result<boost::json::object> create_user_pool_client(const call& c) {
  ASSIGN_OR_RETURN(auto changes, changes_of(c, true));
  ASSIGN_OR_RETURN(auto client, c.services.clients.create(*c.pool, changes, actor(c)));
  return client_answer(c, client);
}

result<boost::json::object> describe_user_pool_client(const call& c) {
  decoder in(c.body);
  ASSIGN_OR_RETURN(auto client, c.services.clients.describe(*c.pool, in.required_string("ClientId")));
  return client_answer(c, client);
}

result<boost::json::object> update_user_pool_client(const call& c) {
  ASSIGN_OR_RETURN(auto changes, changes_of(c, false));
  decoder in(c.body);
  ASSIGN_OR_RETURN(auto client, c.services.clients.update(*c.pool, in.required_string("ClientId"),
                                                          changes, actor(c)));
  return client_answer(c, client);
}

result<boost::json::object> delete_user_pool_client(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(c.services.clients.remove(*c.pool, in.required_string("ClientId"), actor(c)));
  return boost::json::object{};
}

result<boost::json::object> list_user_pool_clients(const call& c) {
  decoder in(c.body);
  const auto max = in.optional_integer("MaxResults", {.min_length = 1, .max_length = 60}).value_or(60);
  ASSIGN_OR_RETURN(auto page, c.services.clients.list(*c.pool, static_cast<int>(max),
                                                      in.optional_string("NextToken").value_or("")));
  boost::json::array clients;
  for (const auto& client : page.clients) {
    clients.push_back({{"ClientId", client.id}, {"UserPoolId", client.pool_id},
                       {"ClientName", client.name}});
  }
  boost::json::object out{{"UserPoolClients", clients}};
  if (!page.next_token.empty()) {
    out["NextToken"] = page.next_token;
  }
  return out;
}

}  // namespace cognate::api::handlers
