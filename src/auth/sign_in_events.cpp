#include "auth/sign_in_events.h"

#include "common/json_text.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>

namespace cognate::auth {
namespace {

constexpr std::size_t max_user_agent = 256;

std::string_view response_name(event_response r) {
  switch (r) {
    case event_response::pass:
      return "Pass";
    case event_response::in_progress:
      return "InProgress";
    case event_response::fail:
      break;
  }
  return "Fail";
}

std::string_view check_name(check c) { return c == check::success ? "Success" : "Failure"; }

// Printable ASCII only (a header may carry any byte; the detail must stay valid UTF-8 JSON).
std::string printable(std::string_view text, std::size_t limit) {
  std::string out;
  for (const char c : text.substr(0, limit)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

// The audit events AdminListUserAuthEvents shows, by the EventType it gives them.
struct listed_event {
  std::string_view event;
  std::string_view type;
};
constexpr std::array listed{
    listed_event{"sign_in", "SignIn"},
    listed_event{"sign_up", "SignUp"},
    listed_event{"forgot_password", "ForgotPassword"},
    listed_event{"password_reset", "PasswordChange"},    // ConfirmForgotPassword
    listed_event{"change_password", "PasswordChange"},   // ChangePassword
    listed_event{"new_password_set", "PasswordChange"},  // NEW_PASSWORD_REQUIRED answered
    listed_event{"resend_confirmation_code", "ResendCode"},
};

}  // namespace

std::string sign_in_detail(const sign_in_event& e, const call_origin& from) {
  boost::json::object o{{"response", response_name(e.response)}};
  if (e.response == event_response::fail && !e.failure.empty()) {
    o["failure"] = e.failure;
  }
  if (e.password != check::none) {
    o["password"] = check_name(e.password);
  }
  if (e.mfa != check::none) {
    o["mfa"] = check_name(e.mfa);
  }
  if (!e.client_id.empty()) {
    o["client"] = e.client_id;
  }
  if (!from.ip.empty()) {
    o["ip"] = printable(from.ip, 64);
  }
  if (!from.user_agent.empty()) {
    o["user_agent"] = printable(from.user_agent, max_user_agent);
  }
  return boost::json::serialize(o);
}

store::audit_record sign_in_record(const std::string& pool_id, const std::string& user_id,
                                   const sign_in_event& e, const call_origin& from,
                                   time_point at) {
  return {.pool_id = pool_id,
          .user_id = user_id,
          .event = "sign_in",
          .detail = sign_in_detail(e, from),
          .at = at};
}

std::optional<auth_event> auth_event_of(const store::audit_record& row) {
  const auto* kind = std::find_if(listed.begin(), listed.end(),
                                  [&](const listed_event& l) { return l.event == row.event; });
  if (kind == listed.end()) {
    return std::nullopt;
  }
  auth_event out{.id = std::to_string(row.id), .type = std::string(kind->type), .at = row.at};
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(row.detail, ec);
  const boost::json::object empty;
  const auto& detail = !ec && parsed.is_object() ? parsed.as_object() : empty;
  // Events other than sign-ins record a change that happened.
  out.response = row.event == "sign_in" ? json_text(detail, "response") : "Pass";
  if (out.response.empty()) {
    out.response = "Pass";  // a sign-in written before events had a response: tokens were issued
  }
  for (const auto& [key, name] : {std::pair{"password", "Password"}, std::pair{"mfa", "Mfa"}}) {
    if (auto verdict = json_text(detail, key); !verdict.empty()) {
      out.challenges.emplace_back(name, std::move(verdict));
    }
  }
  out.ip = json_text(detail, "ip");
  out.device = json_text(detail, "user_agent");
  return out;
}

}  // namespace cognate::auth
