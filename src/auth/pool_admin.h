#pragma once
// User pools as operators manage them with signed calls (protocol doc cognito-admin-api.md §7):
// CreateUserPool, DescribeUserPool, UpdateUserPool, ListUserPools, DeleteUserPool, and the MFA
// configuration (Get/SetUserPoolMfaConfig). The pool that `amplify/auth.json` provisions (the
// database's oldest) is set from the file again at every start and config edit — the file stays
// its declaration — and cannot be deleted through the API. A change raises the directory
// version: this node reloads at once, the others within a second.
//
// Blocking (store); call from worker threads. Thread-safe.

#include "auth/operator_guard.h"
#include "common/clock.h"
#include "common/error.h"
#include "pool/directory.h"
#include "store/store.h"

#include <functional>
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
  // `declared_pool`: the id of the pool this server provisions from its config ("" for none).
  pool_admin(store::store& store, pool::directory& directory, const clock& clock,
             std::string declared_pool = "")
      : store_(store), directory_(directory), clock_(clock), declared_(std::move(declared_pool)) {}

  // CreateUserPool: a new pool in `region` (the one the call was signed for), with its first
  // signing key. Returns its record.
  result<store::pool_record> create(const std::string& region, const std::string& name,
                                    const pool::pool_settings& settings,
                                    const std::string& actor) const;
  // The new settings made from the stored ones, inside the transaction that writes them (so a
  // change made on another node a moment before is built on, not lost). May run more than once.
  using settings_change = std::function<result<pool::pool_settings>(const pool::pool_settings&)>;

  // UpdateUserPool: the pool's settings become change(stored), and its name `name` when given.
  result<void> update(const pool::pool_entry& pool, const settings_change& change,
                      const std::optional<std::string>& name, const std::string& actor) const;
  // DeleteUserPool: the pool and everything in it. Failures: invalid_parameter for the declared
  // pool (pool_declared_by_config) and under DeletionProtection (pool_deletion_protected).
  result<void> remove(const pool::pool_entry& pool, const std::string& actor) const;

  // The stored record of the pool (dates, name). Failure: resource_not_found.
  result<store::pool_record> record(const pool::pool_entry& pool) const;
  // The pools `who` may act on in the region it signed for, by id, at most `limit`.
  result<pool_page> list(const operator_principal& who, int limit, const std::string& token) const;
  // SetUserPoolMfaConfig: `mode` OFF / OPTIONAL / ON, `totp` whether TOTP is offered. Failures:
  // invalid_parameter (MFA on with no factor; SMS or email MFA, not supported yet).
  result<void> set_mfa(const pool::pool_entry& pool, std::optional<std::string> mode,
                       std::optional<bool> totp, const std::string& actor) const;

 private:
  result<void> write_settings(const std::string& pool_id, const settings_change& change,
                              const std::optional<std::string>& name, std::string event,
                              const std::string& actor) const;

  store::store& store_;
  pool::directory& directory_;
  const clock& clock_;
  std::string declared_;
};

}  // namespace cognate::auth
