#pragma once
// The seam between the outbox worker and whatever delivers mail (SMTP, or files in the sandbox).

#include "common/error.h"
#include "mail/message.h"

#include <chrono>

namespace cognate::mail {

class mailer {
 public:
  virtual ~mailer() = default;

  // Delivers `m`, blocking until the receiving side has accepted it (or refused it). Called only
  // from the outbox worker thread. A failure (errc::code_delivery_failure) means "try again
  // later": the worker keeps the message and retries with back-off. The failure message is
  // meant for the log and never contains credentials.
  virtual result<void> send(const message& m) = 0;

  // The longest one send() may block. The outbox worker reserves a mail it sends for this long
  // plus a margin (outbox_options::lease_margin): no other worker sends it meanwhile, and if this
  // process dies mid-send the mail is sent again once that time has passed. The default is for
  // mailers without a timeout.
  virtual std::chrono::seconds max_send_time() const { return std::chrono::seconds(110); }
};

}  // namespace cognate::mail
