#pragma once
// The one table that turns domain failures into the wire: HTTP status, `__type` and message
// (protocol doc §1.3). Messages in failures are already client-safe.

#include "common/error.h"

#include <string>

namespace cognate::api {

// A finished answer to one API call, ready for the HTTP layer.
struct reply {
  unsigned status = 200;
  std::string body;          // JSON text
  std::string error_type;    // set on errors: x-amzn-ErrorType
  std::string error_message; // set on errors: x-amzn-ErrorMessage
  std::string content_type;  // empty: application/x-amz-json-1.1
};

unsigned http_status(errc code);

// {"__type": "<Exception>", "message": "<message>"} with the matching status and headers.
reply error_reply(const failure& f);

}  // namespace cognate::api
