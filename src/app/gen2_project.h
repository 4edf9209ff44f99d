#pragma once
// Amplify Gen 2 projects read as they are: amplify/backend.ts (and the amplify/auth/resource.ts it
// imports) run by Node with Cognate's stand-in for '@aws-amplify/backend' (src/app/gen2/*.mjs), so
// defineAuth's props — templates called with Cognito's placeholders — come back as the JSON that
// amplify/auth.json holds, validated by the same parser (pool/auth_config.h). What only AWS runs
// (data, storage, functions, triggers, custom senders, CDK overrides) is reported: a warning where
// the pool is unaffected, an error where it would behave differently.
//
// Runs the developer's code: for `cognate sandbox` and `cognate config compile` only; `cognate
// serve` reads the compiled JSON. Blocking (spawns Node and waits, at most `timeout`).

#include "common/error.h"

#include <boost/json/object.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cognate::app {

struct gen2_options {
  std::string node = "node";              // the Node.js binary (PATH is searched)
  std::filesystem::path scripts_dir;      // where the reader's scripts are written before use
  std::chrono::seconds timeout{30};
};

// amplify/backend.{js,mjs,cjs,ts} under `project_dir`, in the order `ampx` looks for them.
std::optional<std::filesystem::path> find_backend(const std::filesystem::path& project_dir);

struct evaluated_project {
  boost::json::object auth;  // defineAuth's props as amplify/auth.json keys
  std::string file;          // where defineAuth is called, relative: "amplify/auth/resource.ts"
  std::vector<std::string> warnings;
};

// Runs the project's backend file. Failures (errc::invalid_parameter) carry one message: the
// project's errors ("amplify/auth/resource.ts: triggers: …"), Node's own ("… cannot run
// TypeScript"), or why Node could not be run.
result<evaluated_project> evaluate_project(const std::filesystem::path& project_dir,
                                           const std::filesystem::path& backend,
                                           const gen2_options& options);

}  // namespace cognate::app
