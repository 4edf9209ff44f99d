#pragma once
// Operator credentials: AWS-style access keys that sign the admin operations (SigV4). The secret
// is kept sealed, not hashed: SigV4 needs it to recompute each signature.

#include "common/clock.h"
#include "common/error.h"

#include <optional>
#include <string>
#include <vector>

namespace cognate::store {

struct credential_record {
  std::string access_key_id;  // "AKIA…" style, unique
  std::string name;           // who it is for, shown in lists and audit rows
  std::string secret_sealed;  // sealed with "credential:<access_key_id>"
  std::vector<std::string> pools;  // user pool ids it may act on; empty = every pool
  std::vector<std::string> allow;  // operation patterns ("AdminGet*", "List*"); empty = all
  time_point created_at;
  std::optional<time_point> revoked_at;
};

// Reached from a transaction (store.h); valid only inside it. Failures are errc::internal.
class credential_repository {
 public:
  virtual ~credential_repository() = default;
  virtual result<void> insert(const credential_record& c) = 0;
  virtual result<std::optional<credential_record>> find(const std::string& access_key_id) = 0;
  // Every credential, oldest first (revoked ones included).
  virtual result<std::vector<credential_record>> list() = 0;
  // Marks the credential revoked at `at`; false when there is none (or it already was).
  virtual result<bool> revoke(const std::string& access_key_id, time_point at) = 0;
};

}  // namespace cognate::store
