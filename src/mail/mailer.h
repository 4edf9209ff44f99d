#pragma once
// The seam between the outbox worker and whatever delivers mail (SMTP, or files in the sandbox).

#include "common/error.h"
#include "mail/message.h"

namespace cognate::mail {

class mailer {
 public:
  virtual ~mailer() = default;

  // Delivers `m`, blocking until the receiving side has accepted it (or refused it). Called only
  // from the outbox worker thread. A failure (errc::code_delivery_failure) means "try again
  // later": the worker keeps the message and retries with back-off. The failure message is
  // meant for the log and never contains credentials.
  virtual result<void> send(const message& m) = 0;
};

}  // namespace cognate::mail
