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
  std::string srp_verifier_sealed;  // pool/verifier_seal.h
  time_point created_at;
  time_point updated_at;
  // Sign-in protection: failed password proofs in a row, and when the current lockout ends.
  int failed_sign_ins = 0;
  time_point locked_until;
  // TOTP: the verified secret and one associated but not yet verified (both sealed with
  // "user:<id>:totp"), whether SOFTWARE_TOKEN_MFA is enabled / preferred, and the last accepted
  // time step (a code is accepted once: only steps after it count).
  std::string totp_secret_sealed;
  std::string totp_pending_sealed;
  bool totp_enabled = false;
  bool totp_preferred = false;
  std::int64_t totp_last_step = 0;
};

// One step of a challenge flow (the `Session` string clients pass back). Only a hash of the
// handle is stored; the row says whose flow it is, for which client, and what comes next.
struct auth_session_record {
  std::string pool_id;
  std::string handle_hash;  // hex SHA-256 of the Session string
  std::string user_id;      // may be a fake id for unknown users (the proof then fails)
  std::string client_id;
  std::string step;          // the only request this session may continue with
  std::string state_sealed;  // step-specific JSON, sealed with "session:<handle_hash>"
  int failed_attempts = 0;   // wrong MFA codes so far
  time_point expires_at;
  time_point created_at;
};

// A refresh token: opaque to clients, stored as a hash. Every token issued from one sign-in
// shares origin_jti (the family); revoking the family also revokes its access and ID tokens.
struct refresh_token_record {
  std::string token_hash;
  std::string pool_id;
  std::string user_id;
  std::string client_id;
  std::string origin_jti;
  time_point auth_time;
  time_point expires_at;
  bool revoked = false;
  time_point created_at;
};

// A token-signing key pair; the private key sealed with "signing-key:<kid>".
struct signing_key_record {
  std::string kid;
  std::string pool_id;
  std::string private_pem_sealed;
  bool active = true;  // signs new tokens; inactive keys stay in the JWKS until their tokens expire
  time_point created_at;
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
