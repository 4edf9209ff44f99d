#pragma once
// Turns a domain failure into the wire: `__type`, HTTP status and message (protocol doc §1.3).
// The catalogue of reasons (common/reasons.h) already chose the exception class and the
// client-safe message.

#include "common/error.h"

#include <optional>
#include <string>

namespace cognate::api {

// A finished answer to one API call, ready for the HTTP layer.
struct reply {
  unsigned status = 200;
  std::string body;          // JSON text
  std::string error_type;    // set on errors: x-amzn-ErrorType
  std::string error_message; // set on errors: x-amzn-ErrorMessage
  std::string content_type;  // empty: application/x-amz-json-1.1
  std::optional<reason> why; // errors: the reason behind the answer (logs and metrics only)
  // API calls, once known (logs): the pool, the app client, and the user's sub.
  std::string pool_id;
  std::string client_id;
  std::string user_sub;
};

// {"__type": "<Exception>", "message": "<message>"} with the matching status and headers.
reply error_reply(const failure& f);

}  // namespace cognate::api
