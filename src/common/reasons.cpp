#include "common/reasons.h"

#include <array>

namespace cognate {
namespace {

using enum reason;

// Cognito's wording where Cognito has one (protocol doc §1.3, §10); ours where it has none.
constexpr std::array catalogue = {
    reason_info{invalid_parameter, errc::invalid_parameter, "{}", 1},
    reason_info{serialization, errc::serialization, "{}", 1},
    reason_info{body_not_json, errc::serialization, "Request body is not valid JSON ({}) near byte {}.", 2},
    reason_info{body_too_deep, errc::serialization, "Request body is nested deeper than {} levels.", 1},
    reason_info{body_not_object, errc::serialization, "Request body must be a JSON object.", 0},
    reason_info{body_too_large, errc::invalid_parameter, "Request body is larger than the {}-byte limit.", 1},
    reason_info{malformed_http, errc::serialization, "Malformed HTTP request: {}", 1},
    reason_info{member_wrong_type, errc::serialization, "Member '{}' must be {}, got {}.", 3},
    reason_info{member_malformed, errc::serialization, "Member '{}' must be {}.", 2},
    reason_info{entry_wrong_type, errc::serialization,
                "Each entry of '{}' must be an object with Name and Value, got {}.", 2},
    reason_info{too_many_entries, errc::invalid_parameter, "Too many entries in '{}'.", 1},
    reason_info{value_null, errc::invalid_parameter,
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: "
                "Member must not be null", 1},
    reason_info{value_length, errc::invalid_parameter,
                "1 validation error detected: Value at '{}' failed to satisfy constraint: Member "
                "must have length between {} and {}", 3},
    reason_info{value_pattern, errc::invalid_parameter,
                "1 validation error detected: Value at '{}' failed to satisfy constraint: Member "
                "must satisfy regular expression pattern: {}", 2},
    reason_info{password_pattern, errc::invalid_parameter,
                "1 validation error detected: Value at 'password' failed to satisfy constraint: "
                "Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$ and have length "
                "less than or equal to 256", 0},
    reason_info{missing_target, errc::unknown_operation, "Missing X-Amz-Target header.", 0},
    reason_info{malformed_target, errc::unknown_operation,
                "Unknown X-Amz-Target; expected AWSCognitoIdentityProviderService.<Operation>.", 0},
    reason_info{unsupported_operation, errc::unknown_operation,
                "Operation {} is not supported by this server.", 1},
    reason_info{no_such_route, errc::resource_not_found,
                "Not found. The Cognito API takes POST requests with an X-Amz-Target header.", 0},
    reason_info{too_many_requests, errc::too_many_requests, "Too many requests; retry later.", 0},
    reason_info{rate_exceeded, errc::too_many_requests,
                "Rate exceeded: too many {} calls from {}; retry later.", 2},
    reason_info{exactly_one_of_token_and_session, errc::invalid_parameter,
                "Exactly one of AccessToken and Session is required.", 0},

    reason_info{client_not_found, errc::resource_not_found, "User pool client {} does not exist.", 1},
    reason_info{pool_not_found, errc::resource_not_found, "User pool {} does not exist.", 1},
    reason_info{unrecognized_client, errc::unrecognized_client,
                "The security token included in the request is invalid.", 0},
    // AWS Signature V4 (protocol doc cognito-admin-api.md §2.3).
    reason_info{missing_authentication_token, errc::missing_authentication_token,
                "Missing Authentication Token", 0},
    reason_info{signature_parameter_missing, errc::incomplete_signature,
                "Authorization header requires '{}' parameter.", 1},
    reason_info{signature_header_malformed, errc::incomplete_signature,
                "Authorization header is malformed: {}.", 1},
    reason_info{signed_header_required, errc::incomplete_signature,
                "'{}' must be a 'SignedHeader' in the AWS Authorization.", 1},
    reason_info{amz_date_missing, errc::incomplete_signature,
                "Authorization header requires existence of a valid 'X-Amz-Date' header.", 0},
    reason_info{signature_mismatch, errc::invalid_signature,
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method. Consult the service "
                "documentation for details.", 0},
    reason_info{signature_expired, errc::invalid_signature,
                "Signature expired: {} is now earlier than {} ({} - 5 min.)", 3},
    reason_info{signature_not_yet_current, errc::invalid_signature,
                "Signature not yet current: {} is still later than {} ({} + 5 min.)", 3},
    reason_info{credential_wrong_region, errc::invalid_signature,
                "Credential should be scoped to a valid region, not '{}'. ", 1},
    reason_info{credential_wrong_service, errc::invalid_signature,
                "Credential should be scoped to correct service: 'cognito-idp'. ", 0},
    reason_info{credential_wrong_date, errc::invalid_signature,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                "from HTTP: '{}' != '{}', from '{}'.", 3},
    reason_info{payload_hash_mismatch, errc::invalid_signature,
                "The provided 'x-amz-content-sha256' header does not match what was computed.", 0},
    reason_info{access_denied, errc::access_denied,
                "User: {} is not authorized to perform: cognito-idp:{} on resource: {}", 3},
    // App clients with a secret (SecretHash / SECRET_HASH / ClientSecret).
    reason_info{client_secret_missing, errc::not_authorized,
                "Client {} is configured for secret but secret was not received", 1},
    reason_info{client_secret_mismatch, errc::not_authorized,
                "Unable to verify secret hash for client {}", 1},
    reason_info{pool_declared_by_config, errc::invalid_parameter,
                "User pool {} is declared by this server's configuration (amplify/auth.json): "
                "remove it there, not through the API.", 1},
    reason_info{client_declared_by_config, errc::invalid_parameter,
                "User pool client {} is declared by this server's configuration (the app client "
                "in amplify_outputs.json): it cannot be deleted through the API.", 1},
    reason_info{pool_deletion_protected, errc::invalid_parameter,
                "The user pool {} cannot be deleted because deletion protection is activated. "
                "Deletion protection must be inactivated first.", 1},
    reason_info{pool_setting_unsupported, errc::invalid_parameter,
                "{} is not supported by this server yet; leave it out (it would not be honoured).",
                1},


    reason_info{flow_not_enabled, errc::invalid_parameter, "{} flow not enabled for this client", 1},
    reason_info{admin_flow_only, errc::invalid_parameter, "{} is only valid for AdminInitiateAuth.", 1},
    reason_info{missing_auth_parameter, errc::invalid_parameter, "Missing required parameter {}", 1},
    reason_info{srp_a_not_hex, errc::invalid_parameter, "SRP_A must be a hexadecimal number.", 0},
    reason_info{unsupported_challenge, errc::invalid_parameter,
                "Challenge {} is not supported by this user pool.", 1},

    reason_info{incorrect_credentials, errc::not_authorized, "Incorrect username or password.", 0},
    reason_info{password_attempts_exceeded, errc::not_authorized, "Password attempts exceeded", 0},
    reason_info{user_not_confirmed, errc::user_not_confirmed, "User is not confirmed.", 0},
    reason_info{user_disabled, errc::not_authorized, "User is disabled.", 0},
    reason_info{user_does_not_exist, errc::not_authorized, "User does not exist.", 0},
    // For app clients with PreventUserExistenceErrors off only.
    reason_info{user_not_found, errc::user_not_found, "User does not exist.", 0},
    reason_info{password_reset_required, errc::password_reset_required,
                "Password reset required for the user", 0},
    reason_info{temporary_password_expired, errc::not_authorized,
                "Temporary password has expired and must be reset by an administrator.", 0},
    reason_info{new_password_attribute_missing, errc::invalid_parameter,
                "Invalid attributes given, {} is missing", 1},
    reason_info{new_password_attribute_given, errc::not_authorized,
                "Cannot modify an already provided {}", 1},
    reason_info{invalid_session, errc::not_authorized, "Invalid session for the user.", 0},
    reason_info{expired_session, errc::not_authorized,
                "Invalid session for the user, session is expired.", 0},

    reason_info{mfa_code_mismatch, errc::code_mismatch, "Invalid code or auth state for the user.", 0},
    reason_info{mfa_code_replayed, errc::code_mismatch, "Invalid code or auth state for the user.", 0},
    reason_info{totp_not_enabled_by_pool, errc::software_token_mfa_not_found,
                "Software Token MFA has not been enabled by the userPool.", 0},
    reason_info{totp_not_associated, errc::software_token_mfa_not_found,
                "No software token is associated with this user; call AssociateSoftwareToken first.", 0},
    reason_info{totp_setup_mismatch, errc::enable_software_token_mfa,
                "Code mismatch and fail enable Software Token MFA", 0},
    reason_info{totp_not_set_up, errc::invalid_parameter, "User has not set up software token mfa", 0},
    reason_info{sms_mfa_unsupported, errc::invalid_parameter,
                "SMS MFA is not supported by this user pool.", 0},
    reason_info{email_mfa_unsupported, errc::invalid_parameter,
                "Email MFA is not supported by this user pool.", 0},
    reason_info{email_mfa_not_enabled_by_pool, errc::invalid_parameter,
                "Email MFA is not enabled for this user pool.", 0},
    reason_info{mfa_email_not_account_email, errc::invalid_parameter,
                "The email address for MFA must be the account's email address.", 0},
    reason_info{mfa_type_unknown, errc::invalid_parameter,
                "Invalid MFA type {}: answer one of MFAS_CAN_CHOOSE.", 1},
    reason_info{mfa_unavailable, errc::invalid_user_pool_configuration,
                "MFA is required but the user pool offers no factor to set up.", 0},

    reason_info{invalid_access_token, errc::not_authorized, "Invalid Access Token", 0},
    reason_info{access_token_expired, errc::not_authorized, "Access Token has expired", 0},
    reason_info{access_token_revoked, errc::not_authorized, "Access Token has been revoked", 0},
    reason_info{token_type_unsupported, errc::unsupported_token_type,
                "The token type is not supported: pass a refresh token.", 0},
    reason_info{token_not_for_client, errc::unauthorized, "The token was not issued to this client.", 0},
    reason_info{invalid_refresh_token, errc::not_authorized, "Invalid Refresh Token", 0},
    reason_info{refresh_token_revoked, errc::not_authorized, "Refresh Token has been revoked", 0},
    reason_info{refresh_token_expired, errc::not_authorized, "Refresh Token has expired", 0},

    reason_info{sign_up_not_permitted, errc::not_authorized,
                "SignUp is not permitted for this user pool", 0},
    reason_info{username_not_email, errc::invalid_parameter, "Username should be an email.", 0},
    reason_info{email_attribute_mismatch, errc::invalid_parameter,
                "The email attribute must match the username in this user pool.", 0},
    reason_info{username_exists, errc::username_exists,
                "An account with the given email already exists.", 0},
    reason_info{password_policy, errc::invalid_password, "Password did not conform with policy: {}", 1},
    reason_info{attribute_schema, errc::invalid_parameter,
                "Attributes did not conform to the schema: {}: {}", 2},
    reason_info{attribute_not_writable, errc::not_authorized,
                "A client attempted to write unauthorized attribute: {}", 1},
    reason_info{attribute_duplicate, errc::invalid_parameter, "Duplicate attribute name: {}", 1},
    reason_info{phone_number_format, errc::invalid_parameter, "Invalid phone number format.", 0},
    reason_info{confirmation_code_mismatch, errc::code_mismatch,
                "Invalid verification code provided, please try again.", 0},
    reason_info{confirmation_code_expired, errc::expired_code,
                "Invalid code provided, please request a code again.", 0},
    reason_info{cannot_confirm_confirmed, errc::not_authorized,
                "User cannot be confirmed. Current status is CONFIRMED", 0},
    reason_info{already_confirmed, errc::invalid_parameter, "User is already confirmed.", 0},
    reason_info{code_limit_exceeded, errc::limit_exceeded,
                "Attempt limit exceeded, please try after some time.", 0},
    reason_info{code_delivery_failed, errc::code_delivery_failure, "{}", 1},

    reason_info{reset_not_allowed_in_state, errc::not_authorized,
                "User password cannot be reset in the current state.", 0},
    reason_info{no_recovery_channel, errc::invalid_parameter,
                "Cannot reset password for the user as there is no registered/verified email or "
                "phone_number", 0},
    // ForgotPassword for an unknown user, PreventUserExistenceErrors off only.
    reason_info{reset_user_not_found, errc::user_not_found, "Username/client id combination not found.", 0},
    reason_info{alias_exists, errc::alias_exists, "An account with the given email already exists.", 0},
    reason_info{attribute_immutable, errc::invalid_parameter, "user.{}: Attribute cannot be updated.", 1},
    reason_info{attribute_not_verifiable, errc::invalid_parameter,
                "Attribute {} cannot be verified: this user pool verifies email only.", 1},
    reason_info{admin_username_exists, errc::username_exists, "User account already exists", 0},
    reason_info{group_exists, errc::group_exists, "A group with the name {} already exists.", 1},
    reason_info{group_not_found, errc::resource_not_found, "Group not found.", 0},
    reason_info{sms_delivery_unsupported, errc::invalid_parameter,
                "SMS delivery is not supported by this server: use DesiredDeliveryMediums EMAIL.", 0},
    reason_info{resend_needs_force_change_password, errc::unsupported_user_state,
                "User is not in the FORCE_CHANGE_PASSWORD state: only an invited user who has not "
                "signed in yet can be invited again.", 0},

    reason_info{smtp_url_form, errc::invalid_parameter,
                "the SMTP URL must be smtp://[user:password@]host[:port] (STARTTLS when offered) "
                "or smtps://[user:password@]host[:port] (implicit TLS)", 0},
    reason_info{smtp_url_invalid, errc::invalid_parameter, "invalid SMTP URL: {}", 1},
    reason_info{smtp_delivery_failed, errc::code_delivery_failure, "SMTP delivery failed: {}", 1},
    reason_info{mail_file_failed, errc::code_delivery_failure, "cannot {} {}: {}", 3},

    reason_info{qr_not_otpauth, errc::invalid_parameter, "Only otpauth:// URIs are drawn as QR codes.", 0},
    reason_info{qr_text_length, errc::invalid_parameter, "QR text must be 1 to 1024 bytes.", 0},
    reason_info{qr_unencodable, errc::invalid_parameter, "Text cannot be encoded as a QR code.", 0},
};

// Rows are in declaration order, so a reason indexes its row (checked at compile time).
constexpr bool in_order() {
  for (std::size_t i = 0; i < catalogue.size(); ++i) {
    if (static_cast<std::size_t>(catalogue[i].id) != i) {
      return false;
    }
  }
  return true;
}
static_assert(in_order(), "reason_info rows must follow the order of enum class reason");
static_assert(catalogue.size() == static_cast<std::size_t>(count_),
              "every reason needs a row");

}  // namespace

const reason_info& info(reason r) noexcept { return catalogue[static_cast<std::size_t>(r)]; }

std::span<const reason_info> reason_catalogue() noexcept { return catalogue; }

std::string_view sign_in_failure_name(reason r) noexcept {
  switch (r) {
    case reason::incorrect_credentials:
      return "wrong_password";  // or no such user (the same answer)
    case reason::user_not_found:
      return "unknown_user";
    case reason::password_attempts_exceeded:
      return "locked";
    case reason::mfa_code_mismatch:
      return "wrong_mfa_code";
    case reason::mfa_code_replayed:
      return "replayed_mfa_code";
    case reason::user_not_confirmed:
      return "not_confirmed";
    case reason::user_disabled:
      return "disabled";
    case reason::password_reset_required:
      return "password_reset_required";
    case reason::invalid_session:
    case reason::expired_session:
      return "invalid_session";
    case reason::rate_exceeded:
      return "rate_limited";
    default:
      return "other";
  }
}

}  // namespace cognate
