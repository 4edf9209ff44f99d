#pragma once
// One-time codes sent to users: sign-up confirmation, password reset, attribute verification.

#include "common/clock.h"
#include "common/error.h"

#include <optional>
#include <string>

namespace cognate::store {

// Only a keyed hash of the code is stored. One row per (user, purpose): a new code replaces it.
struct code_record {
  std::string pool_id;
  std::string user_id;
  std::string purpose;          // "signup", "reset", "verify:email"
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
  // Every code of the user.
  virtual result<void> remove_user(const std::string& pool_id, const std::string& user_id) = 0;

  // Decoys: the code state of a name no user has, kept so that such a name answers exactly like a
  // known user across a sequence of requests (same budget, same wrong-code answers) while no mail
  // is sent and no code can match. `user_id` holds a keyed hash of the name; `code_hash` is empty.
  virtual result<void> put_decoy(const code_record& c) = 0;
  virtual result<std::optional<code_record>> find_decoy(const std::string& pool_id,
                                                        const std::string& name_key,
                                                        const std::string& purpose) = 0;
  // Drops decoys whose code expired and whose hourly window ended before `now`; returns how many.
  virtual result<int> remove_stale_decoys(time_point now) = 0;

};

}  // namespace cognate::store
