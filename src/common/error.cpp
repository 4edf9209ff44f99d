#include "common/error.h"

#include <spdlog/spdlog.h>

namespace cognate {

std::string_view exception_name(errc code) noexcept {
  switch (code) {
    case errc::invalid_parameter: return "InvalidParameterException";
    case errc::serialization: return "SerializationException";
    case errc::unknown_operation: return "UnknownOperationException";
    case errc::username_exists: return "UsernameExistsException";
    case errc::invalid_password: return "InvalidPasswordException";
    case errc::code_mismatch: return "CodeMismatchException";
    case errc::expired_code: return "ExpiredCodeException";
    case errc::not_authorized: return "NotAuthorizedException";
    case errc::user_not_found: return "UserNotFoundException";
    case errc::user_not_confirmed: return "UserNotConfirmedException";
    case errc::limit_exceeded: return "LimitExceededException";
    case errc::too_many_failed_attempts: return "TooManyFailedAttemptsException";
    case errc::too_many_requests: return "TooManyRequestsException";
    case errc::resource_not_found: return "ResourceNotFoundException";
    case errc::code_delivery_failure: return "CodeDeliveryFailureException";
    case errc::software_token_mfa_not_found: return "SoftwareTokenMFANotFoundException";
    case errc::enable_software_token_mfa: return "EnableSoftwareTokenMFAException";
    case errc::unsupported_token_type: return "UnsupportedTokenTypeException";
    case errc::unauthorized: return "UnauthorizedException";
    case errc::invalid_user_pool_configuration: return "InvalidUserPoolConfigurationException";
    case errc::unrecognized_client: return "UnrecognizedClientException";
    case errc::password_reset_required: return "PasswordResetRequiredException";
    case errc::alias_exists: return "AliasExistsException";
    case errc::missing_authentication_token: return "MissingAuthenticationTokenException";
    case errc::incomplete_signature: return "IncompleteSignatureException";
    case errc::invalid_signature: return "InvalidSignatureException";
    case errc::access_denied: return "AccessDeniedException";
    case errc::unsupported_user_state: return "UnsupportedUserStateException";
    case errc::group_exists: return "GroupExistsException";


    case errc::internal: return "InternalErrorException";
  }
  return "InternalErrorException";
}

unsigned http_status(errc code) noexcept {
  switch (code) {
    case errc::internal:
      return 500;
    case errc::too_many_requests:
      return 429;
    default:
      // Real Cognito answers 400 for client errors, NotAuthorizedException included; clients
      // only look at "status >= 300" and the retry rules.
      return 400;
  }
}

failure_exception::failure_exception(failure f)
    : std::runtime_error(std::string(exception_name(f.code)) + ": " + f.message),
      error(std::move(f)) {}

void throw_exception_from_error(const failure& f, const boost::source_location&) {
  throw failure_exception(f);
}

failure internal_failure(std::string_view detail) {
  spdlog::error("internal error: {}", detail);
  return failure{errc::internal, "An internal error occurred."};
}

}  // namespace cognate
