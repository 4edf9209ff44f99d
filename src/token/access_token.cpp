#include "token/access_token.h"

#include "common/encoding.h"
#include "common/json_text.h"
#include "common/reasons.h"

#include <boost/json.hpp>

#include <chrono>
#include <optional>

namespace cognate::token {
namespace {

// Seconds since the epoch that a time_point holds (its nanoseconds overflow beyond ±292 years
// of 1970): what a claim must be before from_unix() may convert it.
bool holds_instant(std::int64_t seconds) {
  constexpr std::int64_t limit =
      std::chrono::duration_cast<std::chrono::seconds>(time_point::duration::max()).count();
  return seconds > -limit && seconds < limit;
}

// An instant claim: absent reads as the epoch; a non-integer or one beyond what a time_point
// holds, nullopt.
std::optional<time_point> instant_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) {
    return from_unix(0);
  }
  if (!v->is_int64() || !holds_instant(v->as_int64())) {
    return std::nullopt;
  }
  return from_unix(v->as_int64());
}

}  // namespace

std::string unverified_issuer(std::string_view token) {
  if (token.size() > max_jwt_size) {
    return {};
  }
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos) {
    return {};
  }
  auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  if (!payload) {
    return {};
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(
      std::string_view(reinterpret_cast<const char*>(payload->data()), payload->size()), ec);
  return !ec && v.is_object() ? json_text(v.as_object(), "iss") : std::string();
}

result<access_claims> read_access_claims(const verified_jwt& jwt, std::string_view issuer,
                                         time_point now) {
  const auto& claims = jwt.payload;
  const auto* exp = claims.if_contains("exp");
  if (json_text(claims, "token_use") != "access" || json_text(claims, "iss") != issuer ||
      exp == nullptr || !exp->is_int64() || json_text(claims, "sub").empty()) {
    return fail(reason::invalid_access_token);
  }
  // Only a token this server signed gets here, and its issuer writes sane instants; refusing the
  // rest keeps the conversions below defined whatever a key ever signed.
  const auto auth_time = instant_of(claims, "auth_time");
  const auto expires_at = instant_of(claims, "exp");
  if (!auth_time || !expires_at) {
    return fail(reason::invalid_access_token);
  }
  if (now >= *expires_at) {
    return fail(reason::access_token_expired);
  }
  return access_claims{.sub = json_text(claims, "sub"),
                       .client_id = json_text(claims, "client_id"),
                       .origin_jti = json_text(claims, "origin_jti"),
                       .auth_time = *auth_time,
                       .expires_at = *expires_at};
}

}  // namespace cognate::token
