#pragma once
// Challenge Sessions: one row per `Session` string a client holds, found by the hash of that
// string alone (operations such as AssociateSoftwareToken name no pool or client; the row does).

#include "common/clock.h"
#include "common/error.h"

#include <optional>
#include <string>

namespace cognate::store {

// One step of a challenge flow. Only a hash of the handle is stored; the row says whose flow it
// is, for which pool and client, and what comes next.
struct auth_session_record {
  std::string pool_id;
  std::string handle_hash;  // hex SHA-256 of the Session string; unique
  std::string user_id;      // may be a fake id for unknown users (the proof then fails)
  std::string client_id;
  std::string step;          // the only request this session may continue with
  std::string state_sealed;  // step-specific state, sealed with "session:<handle_hash>"
  int failed_attempts = 0;   // wrong answers so far
  time_point expires_at;
  time_point created_at;
};

// Reached from a transaction (store.h); valid only inside it. Failures are errc::internal.
class session_repository {
 public:
  virtual ~session_repository() = default;
  virtual result<void> insert(const auth_session_record& s) = 0;
  virtual result<std::optional<auth_session_record>> find(const std::string& handle_hash) = 0;
  virtual result<void> set_attempts(const std::string& handle_hash, int failed_attempts) = 0;
  virtual result<void> remove(const std::string& handle_hash) = 0;
  // Every Session of the user.
  virtual result<void> remove_user(const std::string& pool_id, const std::string& user_id) = 0;
  // The user's Sessions at step `step` (auth_session_record::step), e.g. the codes a new one
  // supersedes.
  virtual result<void> remove_user_step(const std::string& pool_id, const std::string& user_id,
                                        const std::string& step) = 0;

  // Drops sessions that expired before `now`; returns how many.
  virtual result<int> remove_expired(time_point now) = 0;
};

}  // namespace cognate::store
