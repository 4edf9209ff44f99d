#include "api/errors.h"

#include <boost/json.hpp>

namespace cognate::api {

reply error_reply(const failure& f) {
  reply r;
  r.status = http_status(f.code);
  r.error_type = std::string(exception_name(f.code));
  r.error_message = f.message;
  r.why = f.why;
  r.body = boost::json::serialize(boost::json::object{{"__type", r.error_type}, {"message", f.message}});
  return r;
}

}  // namespace cognate::api
