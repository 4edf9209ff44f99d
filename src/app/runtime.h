#pragma once
// Runs one Cognate server until SIGINT/SIGTERM: store, pool, mail worker, HTTP, and (sandbox)
// the config watcher and amplify_outputs.json. Shared by `cognate sandbox` and `cognate serve`.

#include "api/rate_limit.h"
#include "api/router.h"
#include "app/config_source.h"
#include "auth/lockout.h"
#include "auth/user_migration.h"
#include "crypto/sealer.h"
#include "http/server.h"
#include "mail/mailer.h"
#include "store/store.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cognate::app {

struct runtime_options {
  std::string mode;  // "sandbox" or "serve", for messages
  config_source config;  // amplify/auth.json or a Gen 2 project
  std::string database;  // "sqlite:PATH" or "postgresql://…"
  int database_pool_size = 4;  // PostgreSQL connections
  std::optional<crypto::master_key> key;
  std::vector<crypto::master_key> previous_keys;  // open-only, during a master-key rotation
  std::unique_ptr<mail::mailer> mailer;
  std::string default_from;
  http::server_options http;
  std::optional<http::server_options> metrics;  // --metrics-listen: /metrics, /healthz, /readyz
  api::log_format log_format = api::log_format::text;
  std::chrono::milliseconds outbox_stuck_after = std::chrono::minutes(15);  // /readyz
  std::chrono::seconds audit_retention = std::chrono::hours(24 * 90);     // 0: for ever
  api::rate_limits rate_limits = api::rate_limits::defaults();
  auth::lockout_policy lockout;
  // Lazy migration into the config's pool (its into_pool is set at start).
  std::optional<auth::migration_source> migration;
  std::string region = "us-east-1";
  std::string pool_name = "cognate";
  std::string app_name = "Cognate";  // TOTP issuer on the built-in page
  std::string public_url;  // advertised endpoint; default http://<listen>
  std::string issuer;      // token "iss"; default <public_url>/<pool id>
  bool allow_user_password_auth = false;
  std::chrono::seconds code_lifetime = std::chrono::hours(24);
  std::optional<std::filesystem::path> outputs_path;  // write amplify_outputs.json here
  bool watch_config = false;
  std::chrono::seconds keys_reload_interval{30};  // how often signing keys are re-read
  // How often the directory version is read, to pick up pools and clients changed elsewhere.
  std::chrono::milliseconds directory_check_interval{1000};
  std::filesystem::path outbox_dir;  // shown in the sandbox banner
  // The sandbox's operator credential file (AWS shared-credentials format, profile "cognate").
  std::optional<std::filesystem::path> credentials_file;

};

// Blocks until a stop signal; returns the process exit code. Start-up problems (bad config,
// unusable database, port taken) print one clear line to stderr and return 1.
int run(runtime_options options);

// Opens the store named by `database` ("sqlite:PATH", migrating it; or "postgresql://…", which
// must already be migrated). Throws std::runtime_error with a helpful message.
std::unique_ptr<store::store> open_store(const std::string& database, int pool_size);

// Writes `text` to `path` atomically (temporary file in the same folder, fsync, rename).
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace cognate::app
