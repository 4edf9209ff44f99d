#pragma once
// The email outbox: mail queued in the transaction that caused it, delivered later.

#include "common/clock.h"
#include "common/error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cognate::store {

struct outbox_record {
  std::int64_t id = 0;
  std::string recipient;       // in clear, for operators
  std::string pool_id;         // whose mail it is ("" for mail about no user)
  std::string user_id;
  std::string payload_sealed;  // the mail::message as JSON, sealed with "outbox:<recipient>"
  int attempts = 0;
  time_point next_attempt_at;
  time_point created_at;
  std::string last_error;
};

// Reached from a transaction (store.h); valid only inside it. Failures are errc::internal.
class outbox_repository {
 public:
  virtual ~outbox_repository() = default;
  // Queues an email; returns its id.
  virtual result<std::int64_t> enqueue(const outbox_record& m) = 0;
  // Pending mail due at `now`, oldest first; claiming pushes next_attempt_at to `lease_until`
  // so another worker (or node) does not send it meanwhile.
  virtual result<std::vector<outbox_record>> claim_due(time_point now, time_point lease_until,
                                                       int limit) = 0;
  // Marks a mail sent and drops its sealed payload (the code inside it need not be kept).
  virtual result<void> mark_sent(std::int64_t id, time_point at) = 0;
  virtual result<void> retry_later(std::int64_t id, int attempts, time_point next_attempt_at,
                                   const std::string& last_error) = 0;
  virtual result<void> mark_failed(std::int64_t id, const std::string& last_error) = 0;
  virtual result<std::int64_t> count_pending() = 0;
  // Mail by status ("pending", "sent", "failed"), and when the oldest pending one was queued.
  struct summary {
    std::vector<std::pair<std::string, std::int64_t>> by_status;
    std::optional<time_point> oldest_pending;
  };
  virtual result<summary> summarize() = 0;
  // Deletes the mail to a user that is not sent yet (the user is being deleted).
  virtual result<void> drop_pending(const std::string& pool_id, const std::string& user_id) = 0;

};

}  // namespace cognate::store
