#include "api/router.h"

#include "common/reasons.h"
#include "mfa/qr_svg.h"
#include "pool/auth_config.h"

#include <boost/json.hpp>

namespace cognate::api {
namespace {

bool is_get(std::string_view method) { return method == "GET" || method == "HEAD"; }

reply json_reply(const boost::json::object& body) {
  return reply{.body = boost::json::serialize(body), .content_type = "application/json"};
}

reply qr(std::string_view body) {
  if (!body.starts_with("otpauth://")) {
    return error_reply(fail(reason::qr_not_otpauth));
  }
  auto svg = mfa::qr_svg(body);
  if (!svg) {
    return error_reply(svg.error());
  }
  return reply{.body = std::move(*svg), .content_type = "image/svg+xml"};
}

}  // namespace

placement router::place(std::string_view method, std::string_view path,
                        std::string_view target) const {
  if (is_get(method)) {
    if (path == "/health" || path == "/_cognate/config" ||
        path.find("/.well-known/") != std::string_view::npos) {
      return placement::io;
    }
    return placement::none;
  }
  if (method != "POST") {
    return placement::none;
  }
  if (path == "/_cognate/qr") {
    return placement::io;
  }
  const auto* op = api_.find(target);
  return op != nullptr && op->read_only ? placement::read_call : placement::call;
}

reply router::handle(const request_context& request) const {
  if (auto answered = route(request)) {
    return std::move(*answered);
  }
  if (request.method == "POST") {
    return api_.handle(request);
  }
  auto r = error_reply(fail(reason::no_such_route));
  r.status = 404;
  return r;
}

std::optional<reply> router::route(const request_context& request) const {
  if (is_get(request.method)) {
    if (request.path == "/health") {
      return json_reply({{"status", "ok"}});
    }
    if (request.path == "/_cognate/config") {
      return page_settings();
    }
    return well_known(request.path);
  }
  if (request.method == "POST" && request.path == "/_cognate/qr") {
    return qr(request.body);
  }
  return std::nullopt;
}

reply router::page_settings() const {
  const auto directory = directory_.current();
  const auto pool = directory->pool(page_.pool_id);
  if (!pool) {
    auto r = error_reply(fail(reason::pool_not_found, page_.pool_id));
    r.status = 404;
    return r;
  }
  const auto& s = pool->settings;
  return json_reply({{"userPoolId", pool->id},
                     {"clientId", page_.client_id},
                     {"appName", page_.app_name},
                     {"mfa", pool::to_string(s.mfa)},
                     {"totp", s.totp_enabled},
                     {"passwordPolicy",
                      {{"minLength", s.password.min_length},
                       {"requireLowercase", s.password.require_lowercase},
                       {"requireUppercase", s.password.require_uppercase},
                       {"requireNumbers", s.password.require_numbers},
                       {"requireSymbols", s.password.require_symbols}}}});
}

// /{poolId}/.well-known/jwks.json and /{poolId}/.well-known/openid-configuration, per pool.
std::optional<reply> router::well_known(std::string_view path) const {
  constexpr std::string_view marker = "/.well-known/";
  const auto at = path.find(marker);
  if (!path.starts_with("/") || at == std::string_view::npos || at < 2) {
    return std::nullopt;
  }
  const auto directory = directory_.current();
  const auto pool = directory->pool(path.substr(1, at - 1));
  if (!pool) {
    return std::nullopt;
  }
  const auto document = path.substr(at + marker.size());
  if (document == "jwks.json") {
    return json_reply(pool->keys->jwks());
  }
  if (document == "openid-configuration") {
    return json_reply({{"issuer", pool->issuer},
                       {"jwks_uri", pool->url + "/.well-known/jwks.json"},
                       {"response_types_supported", boost::json::array{"code", "token"}},
                       {"subject_types_supported", boost::json::array{"public"}},
                       {"id_token_signing_alg_values_supported", boost::json::array{"RS256"}},
                       {"scopes_supported", boost::json::array{"openid", "email", "profile"}},
                       {"token_endpoint_auth_methods_supported",
                        boost::json::array{"client_secret_basic", "client_secret_post"}},
                       {"claims_supported",
                        boost::json::array{"sub", "email", "email_verified", "cognito:username",
                                           "aud", "iss", "exp", "iat", "auth_time", "token_use"}}});
  }
  return std::nullopt;
}

}  // namespace cognate::api
