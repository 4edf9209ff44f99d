#pragma once
// Email goes out through the database: the domain queues a sealed message in the same
// transaction as the change that caused it; the outbox_worker delivers it later with retries, so
// an SMTP outage (or a crash) loses nothing.

#include "common/clock.h"
#include "common/error.h"
#include "crypto/sealer.h"
#include "mail/mailer.h"
#include "mail/message.h"
#include "store/store.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace cognate::mail {

// A pending outbox row carrying `m` sealed at rest (its body holds a live code).
store::outbox_record to_outbox_record(const message& m, const crypto::sealer& sealer,
                                      time_point now);
// The message inside a row made by to_outbox_record.
result<message> from_outbox_record(const store::outbox_record& row, const crypto::sealer& sealer);

struct outbox_options {
  std::chrono::seconds first_retry{1};    // back-off doubles from here…
  std::chrono::seconds max_retry{300};    // …up to this
  std::chrono::hours give_up_after{72};   // then the mail is marked failed
  int batch = 16;                         // mails sent per deliver_due() at most
  std::chrono::milliseconds idle_poll{1000};
  // A mail is claimed just before it is sent, one at a time, and reserved for this worker for the
  // mailer's max_send_time() plus this margin (which also covers clock skew between nodes); a
  // mail claimed by a process that died is sent again once that has passed: seconds with the
  // file mailer, the SMTP timeout plus this with SMTP.
  std::chrono::seconds lease_margin{5};
};

// Delivers queued mail on its own thread: claim due rows, send each, mark sent or schedule a
// retry with exponential back-off. Safe for concurrent use (notify() from any thread).
class outbox_worker {
 public:
  outbox_worker(store::store& store, const crypto::sealer& sealer, mailer& mailer,
                const clock& clock, outbox_options options = {});
  ~outbox_worker();  // stops and joins

  void start();
  void stop();
  // Wakes the worker now (a mail was queued) instead of at the next poll.
  void notify();
  // Runs one pass on the calling thread: claims a due mail, sends it and records the outcome,
  // until none is due or `batch` were tried; returns how many mails were sent.
  int deliver_due();

 private:
  void run();

  store::store& store_;
  const crypto::sealer& sealer_;
  mailer& mailer_;
  const clock& clock_;
  outbox_options options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  bool pending_ = false;   // guarded by mutex_
  std::thread thread_;
};

}  // namespace cognate::mail
