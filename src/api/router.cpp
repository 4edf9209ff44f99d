#include "api/router.h"

#include "common/metrics.h"
#include "common/reasons.h"
#include "mfa/qr_svg.h"
#include "pool/auth_config.h"

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <ctime>

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

std::string iso8601_now() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm utc{};
  gmtime_r(&t, &utc);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", utc, ms.count());
}

// The JSON request lines go to stdout as they are (each one an object), apart from the other
// log lines' pattern.
std::shared_ptr<spdlog::logger> request_logger() {
  if (auto existing = spdlog::get("requests")) {
    return existing;
  }
  auto logger = std::make_shared<spdlog::logger>("requests",
                                                 std::make_shared<spdlog::sinks::stdout_sink_mt>());
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace

placement router::place(std::string_view method, std::string_view path,
                        std::string_view target) const {
  if (metrics_only_) {
    // Its own I/O thread, which nothing else waits on: reading the store there is fine.
    const bool known =
        path == "/metrics" || path == "/readyz" || path == "/healthz" || path == "/health";
    return is_get(method) && known ? placement::io : placement::none;
  }
  if (is_get(method)) {
    if (path == "/readyz") {
      return placement::read_call;
    }
    if (path == "/health" || path == "/healthz" || path == "/_cognate/config" ||
        path.find("/.well-known/") != std::string_view::npos) {
      return placement::io;
    }
    return placement::none;
  }
  if (method != "POST") {
    return placement::none;
  }
  if (path == "/_cognate/qr") {
    // Unauthenticated and CPU-bound (the SVG is drawn module by module: ~2 ms for a long
    // otpauth URI): on the worker pool, under its in-flight bound, never on the I/O thread.
    return placement::call;
  }
  const auto* op = api_.find(target);
  return op != nullptr && op->read_only ? placement::read_call : placement::call;
}

reply router::handle(const request_context& request) const {
  if (auto answered = route(request)) {
    return std::move(*answered);
  }
  if (request.method == "POST" && !metrics_only_) {
    return api_.handle(request);
  }
  auto r = error_reply(fail(reason::no_such_route));
  r.status = 404;
  return r;
}

std::optional<reply> router::route(const request_context& request) const {
  if (is_get(request.method)) {
    if (request.path == "/health" || request.path == "/healthz") {
      return json_reply({{"status", "ok"}});
    }
    if (request.path == "/readyz") {
      return ready();
    }
    if (metrics_only_) {
      if (request.path == "/metrics") {
        return reply{.body = metrics::process().render(),
                     .content_type = "text/plain; version=0.0.4; charset=utf-8"};
      }
      return std::nullopt;
    }
    if (request.path == "/_cognate/config") {
      return page_settings();
    }
    return well_known(request.path);
  }
  if (request.method == "POST" && request.path == "/_cognate/qr" && !metrics_only_) {
    return qr(request.body);
  }
  return std::nullopt;
}

reply router::ready() const {
  const auto found = readiness_ ? readiness_() : readiness{};
  boost::json::object checks;
  for (const auto& [name, state] : found.checks) {
    checks[name] = state;
  }
  auto r = json_reply({{"status", found.ready ? "ready" : "not ready"}, {"checks", checks}});
  r.status = found.ready ? 200 : 503;
  return r;
}

void router::finished(std::string_view request_id, std::string_view target,
                      std::string_view address, const reply& r, double seconds) const {
  if (target.empty()) {
    return;  // not an API call (/readyz)
  }
  const auto* op = api_.find(target);
  const std::string operation = op != nullptr ? std::string(op->name) : "unknown";
  const std::string outcome = r.error_type.empty() ? "success" : r.error_type;
  auto& m = metrics::process();
  m.requests.with({operation, outcome}).add();
  m.request_seconds.with({operation}).observe(seconds);
  std::string sign_in;
  if (operation == "InitiateAuth" || operation == "RespondToAuthChallenge" ||
      operation == "AdminInitiateAuth" || operation == "AdminRespondToAuthChallenge") {
    const bool ok = r.error_type.empty();
    const bool tokens = ok && r.body.find("\"AuthenticationResult\"") != std::string::npos;
    const bool challenge = ok && !tokens && r.body.find("\"ChallengeName\"") != std::string::npos;
    sign_in = metrics::sign_in_outcome(tokens, challenge, r.why);
    m.sign_ins.with({sign_in}).add();
  }
  if (operation == "VerifySoftwareToken" && r.error_type.empty()) {
    m.mfa_enrolments.with({"totp"}).add();
  }
  const double ms = seconds * 1000;
  if (log_format_ == log_format::text) {
    const bool limited = r.why == reason::rate_exceeded;
    spdlog::info("{} {} {} {}{} {:.1f}ms", request_id,
                 op != nullptr ? op->name : target.substr(0, 100), r.status, r.error_type,
                 limited ? fmt::format(" {} rate limit", address) : "", ms);
    return;
  }
  // One JSON object per line; never a body, a password, a code or a token: only who and what.
  boost::json::object line{{"time", iso8601_now()},
                           {"level", r.status >= 500 ? "error" : "info"},
                           {"request_id", request_id},
                           {"operation", operation},
                           {"outcome", outcome},
                           {"status", r.status},
                           {"latency_us", static_cast<std::int64_t>(std::llround(seconds * 1e6))},
                           {"address", address}};
  if (!sign_in.empty()) {
    line["sign_in"] = sign_in;
  }
  if (!r.pool_id.empty()) {
    line["pool"] = r.pool_id;
  }
  if (!r.client_id.empty()) {
    line["client"] = r.client_id;
  }
  if (!r.user_sub.empty()) {
    line["sub"] = r.user_sub;
  }
  static const auto requests = request_logger();
  requests->info(boost::json::serialize(line));
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
