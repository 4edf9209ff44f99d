#pragma once
// The audit trail: one row per security event, written in the transaction of the change.

#include "common/clock.h"
#include "common/error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cognate::store {

struct audit_record {
  std::string pool_id;
  std::string user_id;  // may be empty
  std::string event;    // "sign_up", "confirm_sign_up", …
  std::string detail;   // JSON object text; never secrets
  time_point at;
  std::int64_t id = 0;  // set on the rows read; ascending in the order written
};

// Reached from a transaction (store.h); valid only inside it. Failures are errc::internal.
class audit_repository {
 public:
  virtual ~audit_repository() = default;
  virtual result<void> append(const audit_record& a) = 0;
  // As append(), for an event whose outcome a later transaction may settle (a sign-in attempt is
  // written as failed when it is counted, before its proof is checked): returns its id.
  virtual result<std::int64_t> open(const audit_record& a) = 0;
  // Replaces the detail of event `id` (the outcome of an opened event).
  virtual result<void> amend(std::int64_t id, const std::string& detail) = 0;
  // The user's newest `limit` events written before event `before_id` (0: the newest), newest
  // first.
  virtual result<std::vector<audit_record>> of_user(const std::string& pool_id,
                                                    const std::string& user_id,
                                                    std::int64_t before_id, int limit) = 0;
  // For operators: the newest `limit` events at or after `since`, newest first, of one pool
  // and one user when those are not empty.
  virtual result<std::vector<audit_record>> search(const std::string& pool_id,
                                                   const std::string& user_id, time_point since,
                                                   int limit) = 0;
  // Deletes up to `limit` events older than `before` (retention); returns how many.
  virtual result<int> remove_before(time_point before, int limit) = 0;
};

}  // namespace cognate::store
