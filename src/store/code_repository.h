#pragma once
// One-time codes sent to users (sign-up confirmation now; resets and attribute checks later).

#include "common/clock.h"
#include "common/error.h"

#include <optional>
#include <string>

namespace cognate::store {

// Only a keyed hash of the code is stored. One row per (user, purpose): a new code replaces it.
struct code_record {
  std::string pool_id;
  std::string user_id;
  std::string purpose;          // "signup"
  std::string code_hash;        // hex HMAC of the newest code
  std::string superseded_hash;  // hex HMAC of the code it replaced ("" if none)
  time_point expires_at;
  int failed_attempts = 0;
  int sent_in_window = 0;  // codes sent since window_start (resend limit)
  time_point window_start;
};

// Reached from a transaction (store.h); valid only inside it. Failures are errc::internal.
class code_repository {
 public:
  virtual ~code_repository() = default;
  // Inserts the code or replaces the user's code for the same purpose.
  virtual result<void> put(const code_record& c) = 0;
  virtual result<std::optional<code_record>> find(const std::string& pool_id,
                                                  const std::string& user_id,
                                                  const std::string& purpose) = 0;
  virtual result<void> remove(const std::string& pool_id, const std::string& user_id,
                              const std::string& purpose) = 0;
};

}  // namespace cognate::store
