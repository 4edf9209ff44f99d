#include "auth/user_migration.h"

#include "common/json_text.h"
#include "mail/curl_handles.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

namespace cognate::auth {
namespace {

constexpr std::size_t max_answer = 64 * 1024;

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
  auto& body = *static_cast<std::string*>(out);
  if (body.size() + size * count > max_answer) {
    return 0;  // more than any answer of these two operations: stop
  }
  body.append(data, size * count);
  return size * count;
}

// One Cognito JSON call; the answer's object when the old pool said 200, else nullopt (logged
// without the body, which may hold a token).
std::optional<boost::json::object> call(const migration_source& s, const char* operation,
                                        const boost::json::object& request) {
  mail::ensure_curl();
  mail::curl_easy_ptr easy(curl_easy_init());
  if (!easy) {
    return std::nullopt;
  }
  const auto body = boost::json::serialize(request);
  const std::string target =
      std::string("X-Amz-Target: AWSCognitoIdentityProviderService.") + operation;
  curl_slist* raw = curl_slist_append(nullptr, "Content-Type: application/x-amz-json-1.1");
  raw = curl_slist_append(raw, target.c_str());
  mail::curl_slist_ptr headers(raw);
  std::string answer;
  std::array<char, CURL_ERROR_SIZE> error{};
  CURL* e = easy.get();
  curl_easy_setopt(e, CURLOPT_URL, s.endpoint.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(s.timeout.count()));
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error.data());
  if (const auto rc = curl_easy_perform(e); rc != CURLE_OK) {
    spdlog::warn("migration: {} at {} failed: {}", operation, s.endpoint,
                 error[0] != 0 ? error.data() : curl_easy_strerror(rc));
    return std::nullopt;
  }
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  boost::system::error_code ec;
  auto parsed = boost::json::parse(answer, ec);
  if (status != 200 || ec || !parsed.is_object()) {
    const auto* type = !ec && parsed.is_object() ? parsed.as_object().if_contains("__type") : nullptr;
    // A refusal (wrong password, no such user) is the normal "not proven"; say only its type.
    spdlog::debug("migration: {} answered {} {}", operation, status,
                  type != nullptr && type->is_string() ? std::string(type->as_string()) : "");
    return std::nullopt;
  }
  return std::move(parsed.as_object());
}

}  // namespace

user_migration::user_migration(migration_source source) : source_(std::move(source)) {}

std::optional<proven_user> user_migration::prove(const std::string& username,
                                                 const std::string& password) const {
  const boost::json::object request{
      {"AuthFlow", "USER_PASSWORD_AUTH"},
      {"ClientId", source_.client_id},
      {"AuthParameters", {{"USERNAME", username}, {"PASSWORD", password}}}};
  const auto answer = call(source_, "InitiateAuth", request);
  if (!answer) {
    return std::nullopt;
  }
  if (const auto challenge = json_text(*answer, "ChallengeName"); !challenge.empty()) {
    // Challenges the old pool asks only after a right password.
    static constexpr std::array<std::string_view, 6> after_password = {
        "SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP", "SELECT_MFA_TYPE", "MFA_SETUP", "SMS_OTP"};
    if (std::find(after_password.begin(), after_password.end(), challenge) ==
        after_password.end()) {
      return std::nullopt;  // e.g. NEW_PASSWORD_REQUIRED: a temporary password proves too little
    }
    return proven_user{.answer = challenge};
  }
  const auto* result = answer->if_contains("AuthenticationResult");
  if (result == nullptr || !result->is_object()) {
    return std::nullopt;
  }
  proven_user proven{.answer = "tokens"};
  const auto access_token = json_text(result->as_object(), "AccessToken");
  if (access_token.empty()) {
    return std::nullopt;
  }
  // The attributes, read with the user's own token (GetUser needs no credentials of ours).
  if (auto user = call(source_, "GetUser", {{"AccessToken", access_token}})) {
    if (const auto* list = user->if_contains("UserAttributes"); list != nullptr && list->is_array()) {
      for (const auto& item : list->as_array()) {
        if (!item.is_object()) {
          continue;
        }
        const auto name = json_text(item.as_object(), "Name");
        if (!name.empty()) {
          proven.attributes[name] = json_text(item.as_object(), "Value");
        }
      }
      proven.has_attributes = true;
    }
  }
  return proven;
}

}  // namespace cognate::auth
