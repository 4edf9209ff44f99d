#pragma once
// The Cognito JSON API: picks the operation from X-Amz-Target, decodes the body, calls the pool,
// encodes the answer. Each operation group lives in its own file (sign_up_operations.cpp, …) and
// registers in the table in service.cpp. Blocking (the pool blocks); call it from a worker thread.
// Safe for concurrent use.

#include "api/errors.h"
#include "pool/sign_in.h"
#include "pool/user_pool.h"

#include <boost/json.hpp>

#include <string_view>

namespace cognate::api {

constexpr std::string_view target_prefix = "AWSCognitoIdentityProviderService.";

// What operations work with.
struct operation_context {
  pool::user_pool& users;
  pool::sign_in& sign_in;
};

class service {
 public:
  explicit service(operation_context ctx) : ctx_(ctx) {}

  // `target` is the X-Amz-Target header value; `body` the raw request body.
  reply handle(std::string_view target, std::string_view body) const;
  // True for operations that only read the store (GetUser): the HTTP layer runs them on a small
  // pool of their own, apart from the calls that wait for commits.
  static bool reads_only(std::string_view target);
  // GET requests: /{poolId}/.well-known/jwks.json, /{poolId}/.well-known/openid-configuration,
  // and /_cognate/config (what the built-in Authenticator page needs to know about the pool).
  // Returns nullopt for any other path. Does not block.
  std::optional<reply> handle_get(std::string_view path) const;
  // POST /_cognate/qr: the body (an otpauth:// URI) as a QR code in SVG.
  reply handle_qr(std::string_view body) const;

 private:
  operation_context ctx_;
};

// One operation: decoded body in, JSON object or failure out.
using operation = result<boost::json::object> (*)(const operation_context&,
                                                  const boost::json::object&);

// Sign-up group (sign_up_operations.cpp).
result<boost::json::object> sign_up(const operation_context& ctx, const boost::json::object& body);
result<boost::json::object> confirm_sign_up(const operation_context& ctx,
                                            const boost::json::object& body);
result<boost::json::object> resend_confirmation_code(const operation_context& ctx,
                                                     const boost::json::object& body);

// Sign-in group (sign_in_operations.cpp).
result<boost::json::object> initiate_auth(const operation_context& ctx,
                                          const boost::json::object& body);
result<boost::json::object> respond_to_auth_challenge(const operation_context& ctx,
                                                      const boost::json::object& body);
result<boost::json::object> associate_software_token(const operation_context& ctx,
                                                     const boost::json::object& body);
result<boost::json::object> verify_software_token(const operation_context& ctx,
                                                  const boost::json::object& body);
result<boost::json::object> set_user_mfa_preference(const operation_context& ctx,
                                                    const boost::json::object& body);
result<boost::json::object> get_user(const operation_context& ctx, const boost::json::object& body);
result<boost::json::object> global_sign_out(const operation_context& ctx,
                                            const boost::json::object& body);
result<boost::json::object> revoke_token(const operation_context& ctx,
                                         const boost::json::object& body);
result<boost::json::object> get_tokens_from_refresh_token(const operation_context& ctx,
                                                          const boost::json::object& body);

}  // namespace cognate::api
