#pragma once
// The Cognito JSON API: picks the operation from X-Amz-Target, decodes the body, calls the pool,
// encodes the answer. Each operation group lives in its own file (sign_up_operations.cpp, …) and
// registers in the table in service.cpp. Blocking (the pool blocks); call it from a worker thread.
// Safe for concurrent use.

#include "api/errors.h"
#include "pool/user_pool.h"

#include <boost/json.hpp>

#include <string_view>

namespace cognate::api {

constexpr std::string_view target_prefix = "AWSCognitoIdentityProviderService.";

class service {
 public:
  explicit service(pool::user_pool& pool) : pool_(pool) {}

  // `target` is the X-Amz-Target header value; `body` the raw request body.
  reply handle(std::string_view target, std::string_view body) const;

 private:
  pool::user_pool& pool_;
};

// One operation: decoded body in, JSON object or failure out.
using operation = result<boost::json::object> (*)(pool::user_pool&, const boost::json::object&);

// Sign-up group (sign_up_operations.cpp).
result<boost::json::object> sign_up(pool::user_pool& pool, const boost::json::object& body);
result<boost::json::object> confirm_sign_up(pool::user_pool& pool, const boost::json::object& body);
result<boost::json::object> resend_confirmation_code(pool::user_pool& pool,
                                                     const boost::json::object& body);

}  // namespace cognate::api
