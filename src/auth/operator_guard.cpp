#include "auth/operator_guard.h"


#include "auth/sigv4.h"
#include "common/encoding.h"
#include "common/random.h"
#include "common/reasons.h"
#include "crypto/hmac.h"
#include "crypto/seal_context.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace cognate::auth {
namespace {

constexpr auto allowed_skew = std::chrono::minutes(5);
constexpr std::string_view service_name = "cognito-idp";

std::string_view header(const signed_request& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n.size() == name.size() &&
        std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      return v;
    }
  }
  return {};
}

// "20261129T011242Z" → the time it names; nullopt when it is not that shape, or a year a
// time_point cannot hold (nanoseconds since 1970 end in 2262: year 6022 overflowed — found by
// fuzz/http_request_fuzz).
std::optional<time_point> parse_amz_date(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') {
    return std::nullopt;
  }
  auto number = [&](std::size_t at, std::size_t n) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') {
        return std::nullopt;
      }
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const auto year = number(0, 4), month = number(4, 2), day = number(6, 2);
  const auto hour = number(9, 2), minute = number(11, 2), second = number(13, 2);
  if (!year || !month || !day || !hour || !minute || !second || *year < 1970 || *year > 2200 ||
      *month < 1 || *month > 12 ||
      *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = *second;
  return from_unix(static_cast<std::int64_t>(timegm(&tm)));
}

std::string amz_date_of(time_point t) {
  const std::time_t seconds = static_cast<std::time_t>(to_unix(t));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[17];
  std::strftime(out, sizeof out, "%Y%m%dT%H%M%SZ", &tm);
  return out;
}

// '*' matches any run of characters; everything else itself.
bool glob(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) {
    return text.empty();
  }
  if (pattern.front() == '*') {
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (glob(pattern.substr(1), text.substr(i))) {
        return true;
      }
    }
    return false;
  }
  return !text.empty() && pattern.front() == text.front() &&
         glob(pattern.substr(1), text.substr(1));
}

std::string_view region_of(std::string_view pool_id) {
  return pool_id.substr(0, pool_id.find('_'));
}


}  // namespace

result<operator_principal> operator_guard::check(const signed_request& request,
                                                 std::span<const std::string> regions) const {
  const auto authorization_header = header(request, "authorization");
  if (authorization_header.empty()) {
    return fail(reason::missing_authentication_token);
  }
  ASSIGN_OR_RETURN(auto a, sigv4::parse_authorization(authorization_header));
  for (std::string_view required : {"host", "x-amz-date", "x-amz-target"}) {
    if (std::find(a.signed_headers.begin(), a.signed_headers.end(), required) ==
        a.signed_headers.end()) {
      return fail(reason::signed_header_required, required);
    }
  }
  const auto amz_date = header(request, "x-amz-date");
  const auto signed_at = parse_amz_date(amz_date);
  if (!signed_at) {
    return fail(reason::amz_date_missing);
  }
  if (a.terminator != "aws4_request") {
    return fail(reason::signature_header_malformed, "the Credential scope must end in aws4_request");
  }
  if (a.service != service_name) {
    return fail(reason::credential_wrong_service);
  }
  if (std::find(regions.begin(), regions.end(), a.region) == regions.end()) {
    return fail(reason::credential_wrong_region, a.region);
  }
  if (a.date != amz_date.substr(0, 8)) {
    return fail(reason::credential_wrong_date, a.date, amz_date.substr(0, 8), amz_date);
  }
  const auto now = clock_.now();
  if (*signed_at + allowed_skew < now) {
    return fail(reason::signature_expired, amz_date, amz_date_of(now - allowed_skew),
                amz_date_of(now));
  }
  if (*signed_at - allowed_skew > now) {
    return fail(reason::signature_not_yet_current, amz_date, amz_date_of(now + allowed_skew),
                amz_date_of(now));
  }
  const auto security_token = header(request, "x-amz-security-token");
  if (!security_token.empty()) {
    // Cognate's credentials are long-term keys: a session token belongs to someone else's.
    return fail(reason::unrecognized_client);
  }

  ASSIGN_OR_RETURN(auto found, store::in_read(store_, [&](store::transaction& tx) {
                     return tx.credentials().find(a.access_key_id);
                   }));
  if (!found || found->revoked_at) {
    return fail(reason::unrecognized_client);
  }
  ASSIGN_OR_RETURN(auto secret,
                   sealer_.open(found->secret_sealed, crypto::seal_context::credential(found->access_key_id)));

  const auto payload_hash = sigv4::hex_sha256(request.body);
  const auto sent_hash = header(request, "x-amz-content-sha256");
  if (!sent_hash.empty() &&
      !crypto::constant_time_equal(as_bytes(sent_hash), as_bytes(payload_hash))) {
    return fail(reason::payload_hash_mismatch);
  }
  const sigv4::request r{.method = request.method,
                         .path = request.path,
                         .query = request.query,
                         .headers = request.headers,
                         .body = request.body};
  const auto canonical =
      sigv4::canonical_request(r, a.signed_headers, a.signed_headers_text, payload_hash);
  if (!canonical) {
    return fail(reason::signature_header_malformed, "a signed header is missing from the request");
  }
  const auto scope = fmt::format("{}/{}/{}/aws4_request", a.date, a.region, a.service);
  const auto key = sigv4::signing_key(
      std::string_view(reinterpret_cast<const char*>(secret.data()), secret.size()), a.date,
      a.region, a.service);
  const auto expected = sigv4::signature(key, sigv4::string_to_sign(amz_date, scope, *canonical));
  if (!crypto::constant_time_equal(as_bytes(expected), as_bytes(a.signature))) {
    return fail(reason::signature_mismatch);
  }
  return operator_principal{.access_key_id = found->access_key_id,
                            .name = found->name,
                            .pools = found->pools,
                            .allow = found->allow,
                            .region = a.region};
}

result<void> operator_guard::authorize(const operator_principal& who, std::string_view operation,
                                       std::string_view pool_id) {
  const bool operation_ok =
      who.allow.empty() || std::any_of(who.allow.begin(), who.allow.end(), [&](const auto& p) {
        std::string_view pattern = p;
        if (pattern.starts_with("cognito-idp:")) {
          pattern.remove_prefix(12);
        }
        return glob(pattern, operation);
      });
  // A credential limited to some pools cannot make new ones (it could not manage them).
  const bool pool_ok =
      who.pools.empty() || (pool_id.empty() && operation != "CreateUserPool") ||
      std::find(who.pools.begin(), who.pools.end(), pool_id) != who.pools.end();
  if (operation_ok && pool_ok) {
    return {};
  }
  const auto resource =
      pool_id.empty()
          ? std::string("*")
          : fmt::format("arn:aws:cognito-idp:{}:000000000000:userpool/{}", region_of(pool_id),
                        pool_id);
  return fail(reason::access_denied, fmt::format("arn:aws:iam::000000000000:user/{}", who.name),
              operation, resource);
}

result<operator_guard::issued> operator_guard::create(store::store& store,
                                                      const crypto::sealer& sealer,
                                                      const clock& clock, const std::string& name,
                                                      std::vector<std::string> pools,
                                                      std::vector<std::string> allow) {
  // AWS's shapes: a 20-character upper-case id starting "AKIA" (here "AKCG": Cognate), and a
  // 40-character secret.
  issued out{.access_key_id = "AKCG" + random_string(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
             .secret = random_string(
                 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")};
  store::credential_record record{
      .access_key_id = out.access_key_id,
      .name = name,
      .secret_sealed = sealer.seal(as_bytes(out.secret), crypto::seal_context::credential(out.access_key_id)),
      .pools = std::move(pools),
      .allow = std::move(allow),
      .created_at = clock.now()};
  RETURN_IF_ERROR(store.transact([&](store::transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.credentials().insert(record));
    return tx.audit().append({.pool_id = "",
                              .user_id = "",
                              .event = "credential_created",
                              .detail = fmt::format(R"({{"access_key_id":"{}"}})",
                                                    record.access_key_id),
                              .at = record.created_at});
  }));
  return out;
}

}  // namespace cognate::auth
