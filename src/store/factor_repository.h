#pragma once
// The factors a user has enrolled beyond the password: many rows per user (a TOTP secret now;
// passkeys, one row per credential, next). Removed with their user.

#include "common/clock.h"
#include "common/error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cognate::store {

enum class factor_status {
  pending,  // associated but not verified yet (a TOTP secret before VerifySoftwareToken)
  active,
};

struct factor_record {
  std::string pool_id;
  std::string user_id;
  std::string id;    // unique per user: "totp", "totp:pending"; a passkey's credential id
  std::string kind;  // "totp"
  factor_status status = factor_status::active;
  std::string secret_sealed;  // sealed with "user:<user_id>:<kind>" ("" when the kind has none)
  bool enabled = false;       // offered at sign-in (SetUserMFAPreference Enabled)
  bool preferred = false;     // the one asked for when several are enabled
  // TOTP: the last accepted time step (a code is accepted once: only later steps count).
  // Passkeys: the authenticator's signature counter.
  std::int64_t counter = 0;
  std::string data_json = "{}";  // kind-specific public data
  time_point created_at;
  time_point updated_at;
};

// Reached from a transaction (store.h); valid only inside it. Failures are errc::internal.
class factor_repository {
 public:
  virtual ~factor_repository() = default;
  // The user's factors ordered by id.
  virtual result<std::vector<factor_record>> list(const std::string& pool_id,
                                                  const std::string& user_id) = 0;
  virtual result<std::optional<factor_record>> find(const std::string& pool_id,
                                                    const std::string& user_id,
                                                    const std::string& id) = 0;
  // Inserts the factor or replaces the one with the same (pool_id, user_id, id).
  virtual result<void> put(const factor_record& f) = 0;
  virtual result<void> remove(const std::string& pool_id, const std::string& user_id,
                              const std::string& id) = 0;
  // Every factor of the user.
  virtual result<void> remove_user(const std::string& pool_id, const std::string& user_id) = 0;
};


}  // namespace cognate::store
