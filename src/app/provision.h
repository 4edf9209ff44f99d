#pragma once
// The pool and app client a server instance provisions from its config (`sandbox`, `serve
// --config`): created on first start, then read back, so their ids stay stable across restarts
// of the same database; their settings follow the config at every start and every live edit.
// Every other pool and client in the database is left alone.

#include "common/clock.h"
#include "pool/settings.h"
#include "store/store.h"

#include <string>

namespace cognate::app {

struct pool_ids {
  std::string pool_id;    // "<region>_<9 alphanumerics>", AWS-shaped (protocol doc §2)
  std::string client_id;  // 26 lower-case alphanumerics
  bool created = false;   // true on the start that created them
};

struct provision_spec {
  std::string region = "us-east-1";
  std::string name = "cognate";
  pool::pool_settings settings;
  std::string issuer;  // the tokens' "iss"; "" for <public URL>/<pool id>
  // The app client's ExplicitAuthFlows: USER_SRP_AUTH and REFRESH_TOKEN_AUTH always,
  // USER_PASSWORD_AUTH with this (the sandbox, `serve --allow-user-password-auth`).
  bool allow_user_password_auth = false;
};

// The database's oldest pool and its oldest client — created when it has none — with the spec's
// settings, issuer and flows written where they differ (raising the directory version, so every
// node reloads). Throws std::runtime_error if the store fails (start-up only).
pool_ids provision(store::store& store, const clock& clock, const provision_spec& spec);

// Writes `settings` to pool `pool_id` when they differ from the stored ones.
result<void> store_settings(store::store& store, const clock& clock, const std::string& pool_id,
                            const pool::pool_settings& settings);

// The pool a command-line tool works on: `requested` if given (it must exist), else the only pool
// of the database. Throws std::runtime_error with a message for the operator otherwise.
std::string choose_pool(store::store& store, const std::string& requested);

// True for region names aws-jwt-verify accepts, e.g. "us-east-1".
bool valid_region(const std::string& region);

}  // namespace cognate::app
