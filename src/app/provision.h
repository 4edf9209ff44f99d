#pragma once
// The pool and app client a server instance provisions from its config: created on first start,
// then read back, so their ids stay stable across restarts of the same database.

#include "common/clock.h"
#include "store/store.h"

#include <string>

namespace cognate::app {

struct pool_ids {
  std::string pool_id;    // "<region>_<9 alphanumerics>", AWS-shaped (protocol doc §2)
  std::string client_id;  // 26 lower-case alphanumerics
  bool created = false;   // true on the start that created them
};

// The oldest pool and its oldest client, created if the database has none. Throws
// std::runtime_error if the store fails (start-up only).
pool_ids ensure_pool(store::store& store, const clock& clock, const std::string& region,
                     const std::string& name);

// The pool a command-line tool works on: `requested` if given (it must exist), else the only pool
// of the database. Throws std::runtime_error with a message for the operator otherwise.
std::string choose_pool(store::store& store, const std::string& requested);

// True for region names aws-jwt-verify accepts, e.g. "us-east-1".
bool valid_region(const std::string& region);

}  // namespace cognate::app
