#pragma once
// Sign-ins in the audit trail (AdminListUserAuthEvents, `cognate audit`). Each step a caller
// takes with a password or an MFA code is one "sign_in" event, with where the call came from,
// written in the transaction that counts or settles that step:
//
// - the password step is written as failed in the transaction that counts the attempt (lockout.h)
//   — before the proof is checked, as the lockout counts it — and amended in the transaction that
//   forgives or resets the count once the proof is right: Pass (tokens), InProgress (a challenge
//   follows) or Fail (disabled, not confirmed, …). A crash between the two leaves a failure
//   counted and a failure written: the trail and the count agree;
// - an MFA code's step is an event of its own, written with the code's verdict;
// - a name no user has is written too (no user id, and never the name typed: it may be a
//   password typed in the wrong field).
//
// Pure; thread-safe.

#include "common/clock.h"
#include "store/audit_repository.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cognate::auth {

// Where a call came from, as the audit trail keeps it.
struct call_origin {
  std::string ip;          // the caller's address (from X-Forwarded-For behind --trusted-proxy)
  std::string user_agent;  // its User-Agent header
};

enum class event_response { pass, fail, in_progress };
enum class check { none, success, failure };

// One step of a sign-in.
struct sign_in_event {
  event_response response = event_response::fail;
  std::string_view failure;  // sign_in_failure_name() of the refusal, when it failed
  check password = check::none;
  check mfa = check::none;
  std::string_view client_id;
};

// The "sign_in" audit row of `e` made by a call from `from`, at `at`. `user_id` may be empty (a
// name no user has). The user agent is kept to its first 256 printable ASCII characters.
store::audit_record sign_in_record(const std::string& pool_id, const std::string& user_id,
                                   const sign_in_event& e, const call_origin& from, time_point at);
// The detail text alone (for audit_repository::amend).
std::string sign_in_detail(const sign_in_event& e, const call_origin& from);

// An event as AdminListUserAuthEvents answers it.
struct auth_event {
  std::string id;        // EventId: the row's id
  std::string type;      // EventType: SignIn, SignUp, ForgotPassword, PasswordChange, ResendCode
  std::string response;  // EventResponse: Pass, Fail, InProgress
  time_point at;         // CreationDate
  // ChallengeResponses: Password / Mfa → Success / Failure (sign-ins only).
  std::vector<std::pair<std::string, std::string>> challenges;
  std::string ip;      // EventContextData.IpAddress ("" when not known)
  std::string device;  // EventContextData.DeviceName: the user agent
};

// The event `row` stands for in that list; nullopt for rows it does not show (admin actions,
// MFA settings, …).
std::optional<auth_event> auth_event_of(const store::audit_record& row);

}  // namespace cognate::auth
