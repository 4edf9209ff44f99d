#pragma once
// One email to one recipient, as queued in the outbox and handed to a `mailer`. A plain value.

#include "common/clock.h"

#include <string>

namespace cognate::mail {

struct message {
  std::string from;        // "Name <addr>" or "addr"
  std::string to;          // "Name <addr>" or "addr"
  std::string reply_to;    // same forms; may be empty
  std::string subject;     // UTF-8
  std::string body;        // plain text, UTF-8, lines separated by \n
  std::string message_id;  // "<uuid@host>", set by the caller
  time_point date;
  // The one-time code inside `body`, for console highlighting only; never rendered as a header.
  std::string code;
};

}  // namespace cognate::mail
