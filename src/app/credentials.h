#pragma once
// Operator credentials on the command line (`cognate credentials create|list|revoke`) and the
// sandbox's own: one full-access access key kept in an AWS shared-credentials file, so that
// `aws cognito-idp list-users …` works against the sandbox with one `export`.

#include "common/clock.h"
#include "crypto/sealer.h"
#include "store/store.h"

#include <filesystem>
#include <string>
#include <vector>

namespace cognate::app {

struct credentials_command {
  std::string action;  // "create", "list", "revoke"
  std::string database;
  std::string key_file;
  std::string name;                 // create
  std::vector<std::string> pools;   // create: limit to these pools
  std::vector<std::string> allow;   // create: limit to these operation patterns
  std::string access_key_id;        // revoke
};

// Runs the command, printing to stdout; returns the exit status.
int run_credentials(const credentials_command& command);

// The sandbox's credential: the access key in `file` (profile "cognate") when the database
// still has it unrevoked, else a new full-access one written there (mode 0600). Returns the
// access key id.
std::string ensure_sandbox_credential(store::store& store, const crypto::sealer& sealer,
                                      const clock& clock, const std::filesystem::path& file,
                                      const std::string& region);

}  // namespace cognate::app
