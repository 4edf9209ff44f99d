#pragma once
// User pools as operators read them with signed calls (protocol doc cognito-admin-api.md §7):
// DescribeUserPool, ListUserPools, and the MFA configuration (Get/SetUserPoolMfaConfig). A pool
// that `amplify/auth.json` provisions is set from the file again at every start and config edit:
// the file stays the declaration of that pool.
//
// Blocking (store); call from worker threads. Thread-safe.

#include "auth/operator_guard.h"
#include "common/clock.h"
#include "common/error.h"
#include "pool/directory.h"
#include "store/store.h"

#include <optional>
#include <string>
#include <vector>

namespace cognate::auth {

struct pool_page {
  std::vector<store::pool_record> pools;
  std::string next_token;
};

class pool_admin {
 public:
  pool_admin(store::store& store, pool::directory& directory, const clock& clock)
      : store_(store), directory_(directory), clock_(clock) {}

  // The stored record of the pool (dates, name). Failure: resource_not_found.
  result<store::pool_record> record(const pool::pool_entry& pool) const;
  // The pools `who` may act on in the region it signed for, by id, at most `limit`.
  result<pool_page> list(const operator_principal& who, int limit, const std::string& token) const;
  // SetUserPoolMfaConfig: `mode` OFF / OPTIONAL / ON, `totp` whether TOTP is offered. Failures:
  // invalid_parameter (MFA on with no factor; SMS or email MFA, not supported yet).
  result<void> set_mfa(const pool::pool_entry& pool, std::optional<std::string> mode,
                       std::optional<bool> totp, const std::string& actor) const;

 private:
  store::store& store_;
  pool::directory& directory_;
  const clock& clock_;
};

}  // namespace cognate::auth
