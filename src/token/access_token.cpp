#include "token/access_token.h"

#include "common/encoding.h"
#include "common/reasons.h"

#include <boost/json.hpp>

namespace cognate::token {
namespace {

std::string text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t integer_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
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
  return !ec && v.is_object() ? text_of(v.as_object(), "iss") : std::string();
}

result<access_claims> read_access_claims(const verified_jwt& jwt, std::string_view issuer,
                                         time_point now) {
  const auto& claims = jwt.payload;
  const auto* exp = claims.if_contains("exp");
  if (text_of(claims, "token_use") != "access" || text_of(claims, "iss") != issuer ||
      exp == nullptr || !exp->is_int64() || text_of(claims, "sub").empty()) {
    return fail(reason::invalid_access_token);
  }
  if (to_unix(now) >= exp->as_int64()) {
    return fail(reason::access_token_expired);
  }
  return access_claims{.sub = text_of(claims, "sub"),
                       .client_id = text_of(claims, "client_id"),
                       .origin_jti = text_of(claims, "origin_jti"),
                       .auth_time = from_unix(integer_of(claims, "auth_time")),
                       .expires_at = from_unix(exp->as_int64())};
}

}  // namespace cognate::token
