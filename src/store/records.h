#pragma once
// The rows the domain reads and writes through the store. Plain values; no behaviour.

#include "common/clock.h"

#include <cstdint>
#include <optional>
#include <string>

namespace cognate::store {

struct pool_record {
  std::string id;  // "us-east-1_AbC123xyZ"
  std::string name;
  time_point created_at;
};

struct client_record {
  std::string id;  // 26 lower-case alphanumerics
  std::string pool_id;
  std::string name;
  time_point created_at;
};

enum class user_status { unconfirmed, confirmed };

struct user_record {
  std::string pool_id;
  std::string id;         // UUID; also `sub` and the Cognito username
  std::string email;      // as the user typed it
  std::string email_key;  // case-folded; unique per pool
  user_status status = user_status::unconfirmed;
  bool enabled = true;
  std::string attributes_json;  // JSON object of string values, e.g. {"email":"…","name":"…"}
  std::string srp_salt_hex;
  std::string srp_verifier_sealed;  // sealed with context "user:<id>:verifier"
  time_point created_at;
  time_point updated_at;
};

// A one-time code sent to a user (sign-up confirmation now; resets and attribute checks later).
// Only a keyed hash of the code is stored. One row per (user, purpose): a new code replaces it.
struct code_record {
  std::string pool_id;
  std::string user_id;
  std::string purpose;          // "signup"
  std::string code_hash;        // hex HMAC of the newest code
  std::string superseded_hash;  // hex HMAC of the code it replaced ("" if none)
  time_point expires_at;
  int failed_attempts = 0;
  int sent_in_window = 0;  // codes sent since window_start (resend limit)
  time_point window_start;
};

enum class outbox_status { pending, sent, failed };

struct outbox_record {
  std::int64_t id = 0;
  std::string recipient;       // in clear, for operators
  std::string payload_sealed;  // the mail::message as JSON, sealed with "outbox:<recipient>"
  int attempts = 0;
  time_point next_attempt_at;
  time_point created_at;
  std::string last_error;
};

struct audit_record {
  std::string pool_id;
  std::string user_id;  // may be empty
  std::string event;    // "sign_up", "confirm_sign_up", …
  std::string detail;   // JSON object text; never secrets
  time_point at;
};

}  // namespace cognate::store
