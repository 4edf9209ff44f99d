#pragma once
// Domain errors: what went wrong, in terms a Cognito client understands.
//
// Every fallible domain call returns `result<T>`: a value or a `failure` (an `errc` naming the
// Cognito exception class plus a client-safe message). Failures are made from the catalogue of
// reasons (common/reasons.h), so each Cognito message is written once; the API layer sends
// `exception_name(code)`, `http_status(code)` and the message. Internal causes (SQLite messages,
// errno, …) never go into `message`: they are logged where they happen and the failure says only
// errc::internal (internal_failure below).

#include <boost/system/result.hpp>

#include <stdexcept>
#include <optional>
#include <string>
#include <string_view>

namespace cognate {

// The Cognito exception classes Cognate answers with.
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
  invalid_user_pool_configuration,  // InvalidUserPoolConfigurationException
  unrecognized_client,              // UnrecognizedClientException (SigV4: unknown access key)
  password_reset_required,          // PasswordResetRequiredException
  alias_exists,                     // AliasExistsException
  missing_authentication_token,     // MissingAuthenticationTokenException (SigV4: no header)
  incomplete_signature,             // IncompleteSignatureException (SigV4: malformed header)
  invalid_signature,                // InvalidSignatureException (SigV4: mismatch, clock, scope)
  access_denied,                    // AccessDeniedException (credential lacks the permission)
  unsupported_user_state,           // UnsupportedUserStateException
  group_exists,                     // GroupExistsException


  internal,                    // InternalErrorException (HTTP 500; SDKs retry)
};

// The Cognito exception name for `code`, e.g. "InvalidParameterException".
std::string_view exception_name(errc code) noexcept;
// The HTTP status Cognito answers `code` with: 500 for internal errors, 429 for throttling, 400
// for everything else (NotAuthorizedException included; protocol doc §1.3–1.4).
unsigned http_status(errc code) noexcept;

enum class reason;  // reasons.h: why, in more detail than the client is told

struct failure {
  errc code;
  std::string message;  // safe to show to the client
  std::optional<reason> why = std::nullopt;  // set by fail(); for logs and metrics only
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

// Logs `detail` (never shown to clients) and returns the generic internal failure.
failure internal_failure(std::string_view detail);

}  // namespace cognate

// Propagation helpers for functions returning result<…>:
//   RETURN_IF_ERROR(tx.users().update(user));          // returns the failure, if any
//   ASSIGN_OR_RETURN(auto user, load_user(id));         // declares `user` from the value
// `expr` is evaluated once.
#define COGNATE_CONCAT_INNER(a, b) a##b
#define COGNATE_CONCAT(a, b) COGNATE_CONCAT_INNER(a, b)
#define RETURN_IF_ERROR(expr)                         \
  do {                                                \
    if (auto cognate_result_ = (expr); !cognate_result_) { \
      return std::move(cognate_result_).error();      \
    }                                                 \
  } while (false)
#define COGNATE_ASSIGN_OR_RETURN(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp) {                                    \
    return std::move(tmp).error();               \
  }                                              \
  lhs = std::move(*tmp)
#define ASSIGN_OR_RETURN(lhs, expr) \
  COGNATE_ASSIGN_OR_RETURN(COGNATE_CONCAT(cognate_result_, __LINE__), lhs, expr)
