#include "api/errors.h"

#include <boost/json.hpp>

namespace cognate::api {

unsigned http_status(errc code) {
  switch (code) {
    case errc::internal:
      return 500;
    case errc::too_many_requests:
      return 429;
    default:
      // Real Cognito answers 400 for client errors, NotAuthorizedException included; clients
      // only look at "status >= 300" and the retry rules (protocol doc §1.3–1.4).
      return 400;
  }
}

reply error_reply(const failure& f) {
  reply r;
  r.status = http_status(f.code);
  r.error_type = std::string(exception_name(f.code));
  r.error_message = f.message;
  r.body = boost::json::serialize(boost::json::object{{"__type", r.error_type}, {"message", f.message}});
  return r;
}

}  // namespace cognate::api
