#pragma once
// Domain errors: what went wrong, in terms a Cognito client understands.
//
// Every fallible domain call returns `result<T>`: a value or a `failure` (an `errc` naming the
// Cognito exception class plus a client-safe message). The API layer turns a failure into the wire
// shape with one table (api/errors.h). Internal causes (SQLite messages, errno, …) never go into
// `message`; they are logged where they happen and the failure says only `errc::internal`.

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace cognate {

enum class errc {
  invalid_parameter,           // InvalidParameterException
  serialization,               // SerializationException: a member has the wrong JSON type
  unknown_operation,           // UnknownOperationException
  username_exists,             // UsernameExistsException
  invalid_password,            // InvalidPasswordException
  code_mismatch,               // CodeMismatchException
  expired_code,                // ExpiredCodeException
  not_authorized,              // NotAuthorizedException
  user_not_found,              // UserNotFoundException
  user_not_confirmed,          // UserNotConfirmedException
  limit_exceeded,              // LimitExceededException
  too_many_failed_attempts,    // TooManyFailedAttemptsException
  too_many_requests,           // TooManyRequestsException
  resource_not_found,          // ResourceNotFoundException
  code_delivery_failure,       // CodeDeliveryFailureException
  software_token_mfa_not_found,     // SoftwareTokenMFANotFoundException
  enable_software_token_mfa,        // EnableSoftwareTokenMFAException
  unsupported_token_type,           // UnsupportedTokenTypeException
  unauthorized,                     // UnauthorizedException
  internal,                    // InternalErrorException (HTTP 500; SDKs retry)
};

// The Cognito exception name for `code`, e.g. "InvalidParameterException".
std::string_view exception_name(errc code) noexcept;

struct failure {
  errc code;
  std::string message;  // safe to show to the client
};

// Thrown only by result<T>::value() on a failure; domain code checks results instead.
struct failure_exception : std::runtime_error {
  explicit failure_exception(failure f);
  failure error;
};

// Found by ADL from boost::system::result<T, failure>::value().
[[noreturn]] void throw_exception_from_error(const failure& f, const boost::source_location& loc);

template <class T>
using result = boost::system::result<T, failure>;

inline failure fail(errc code, std::string message) { return failure{code, std::move(message)}; }

// Logs `detail` (never shown to clients) and returns the generic internal failure.
failure internal_failure(std::string_view detail);

}  // namespace cognate
