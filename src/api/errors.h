#pragma once
// Turns a domain failure into the wire: `__type`, HTTP status and message (protocol doc §1.3).
// The catalogue of reasons (common/reasons.h) already chose the exception class and the
// client-safe message.

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

// {"__type": "<Exception>", "message": "<message>"} with the matching status and headers.
reply error_reply(const failure& f);

}  // namespace cognate::api
