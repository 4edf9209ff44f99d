#pragma once
// The catalogue of every failure a client can be told about: each reason names the Cognito
// exception class it is answered with and its message, written once (reasons.cpp). Call sites
// name a reason — `fail(reason::user_disabled)` — and pass the values its message has
// placeholders for — `fail(reason::client_not_found, client_id)`; they never write message text.
// Pure; safe for concurrent use.

#include "common/error.h"

#include <fmt/format.h>

#include <span>

#include <string_view>

namespace cognate {

enum class reason {
  // The request itself.
  invalid_parameter,  // a validation message composed by the caller: "{}"
  serialization,      // a JSON shape message composed by the caller: "{}"
  body_not_json,
  body_too_deep,
  body_not_object,
  body_too_large,
  malformed_http,
  member_wrong_type,
  member_malformed,
  entry_wrong_type,
  too_many_entries,
  value_null,
  value_length,
  value_pattern,
  password_pattern,
  missing_target,
  malformed_target,
  unsupported_operation,
  no_such_route,
  too_many_requests,
  rate_exceeded,
  exactly_one_of_token_and_session,
  // The pool and its app clients.
  client_not_found,
  pool_not_found,
  unrecognized_client,
  missing_authentication_token,
  signature_parameter_missing,
  signature_header_malformed,
  signed_header_required,
  amz_date_missing,
  signature_mismatch,
  signature_expired,
  signature_not_yet_current,
  credential_wrong_region,
  credential_wrong_service,
  credential_wrong_date,
  payload_hash_mismatch,
  access_denied,
  client_secret_missing,
  client_secret_mismatch,
  pool_declared_by_config,
  client_declared_by_config,
  pool_deletion_protected,
  pool_setting_unsupported,

  flow_not_enabled,

  admin_flow_only,
  missing_auth_parameter,
  srp_a_not_hex,
  unsupported_challenge,
  // Credentials and users.
  incorrect_credentials,
  password_attempts_exceeded,
  user_not_confirmed,
  user_disabled,
  user_does_not_exist,
  user_not_found,
  password_reset_required,
  temporary_password_expired,
  new_password_attribute_missing,
  new_password_attribute_given,
  invalid_session,
  expired_session,
  // MFA.
  mfa_code_mismatch,
  mfa_code_replayed,  // a right code of a time step already used: answered as a mismatch
  totp_not_enabled_by_pool,
  totp_not_associated,
  totp_setup_mismatch,
  totp_not_set_up,
  sms_mfa_unsupported,
  email_mfa_unsupported,
  email_mfa_not_enabled_by_pool,
  mfa_email_not_account_email,
  mfa_type_unknown,
  mfa_unavailable,
  // Tokens.
  invalid_access_token,
  access_token_expired,
  access_token_revoked,
  token_type_unsupported,
  token_not_for_client,
  invalid_refresh_token,
  refresh_token_revoked,
  refresh_token_expired,
  // Sign-up, confirmation, codes.
  sign_up_not_permitted,
  username_not_email,
  email_attribute_mismatch,
  username_exists,
  password_policy,
  attribute_schema,
  attribute_not_writable,
  attribute_duplicate,
  phone_number_format,
  confirmation_code_mismatch,
  confirmation_code_expired,
  cannot_confirm_confirmed,
  already_confirmed,
  code_limit_exceeded,
  code_delivery_failed,
  // Account recovery and self-service.
  reset_not_allowed_in_state,
  no_recovery_channel,
  reset_user_not_found,
  alias_exists,
  attribute_immutable,
  attribute_not_verifiable,
  admin_username_exists,
  group_exists,
  group_not_found,
  sms_delivery_unsupported,
  resend_needs_force_change_password,

  smtp_url_form,
  smtp_url_invalid,
  smtp_delivery_failed,
  mail_file_failed,
  // The built-in page's QR helper.
  qr_not_otpauth,
  qr_text_length,
  qr_unencodable,

  count_  // not a reason: how many there are
};

struct reason_info {
  reason id;
  errc code;
  std::string_view message;  // fmt format string; placeholders take the call site's values
  int arguments;             // how many values the message takes
};

// The catalogue's row for `r`.
const reason_info& info(reason r) noexcept;
// Every row, in declaration order (for tests and documentation).
std::span<const reason_info> reason_catalogue() noexcept;

// The name of a sign-in's failure for metrics and the audit trail: wrong_password, unknown_user,
// locked, wrong_mfa_code, replayed_mfa_code, not_confirmed, disabled, password_reset_required,
// invalid_session, rate_limited, or "other".
std::string_view sign_in_failure_name(reason r) noexcept;

// The failure for `r` with its message's placeholders filled from `args`, which must number
// info(r).arguments (a unit test checks every row).
template <class... Args>
failure fail(reason r, const Args&... args) {
  const auto& row = info(r);
  return failure{row.code, fmt::format(fmt::runtime(row.message), args...), r};
}

}  // namespace cognate
