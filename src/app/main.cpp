// cognate: a self-hosted user pool server speaking the Amazon Cognito User Pools API.
//
//   cognate sandbox   the developer loop: embedded database, live config, emails in an outbox
//   cognate serve     production: --database, --master-key-file, --smtp-url
//   cognate keygen    writes a new master key file
//   cognate keys      signing-key and master-key rotation
//   cognate backup    copies a live SQLite database (restore makes one from a copy)

#include "app/audit_command.h"
#include "app/import_command.h"
#include "app/config_source.h"
#include "app/credentials.h"
#include "app/provision.h"

#include "app/runtime.h"
#include "app/secrets_commands.h"
#include "app/seed_command.h"
#include "pool/master_keys.h"
#include "pool/seed.h"
#include "pool/signing_keys.h"
#include "store/postgres/pg_store.h"
#include "mail/file_mailer.h"
#include "mail/smtp_mailer.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

namespace {

using namespace cognate;

constexpr std::uint16_t default_port = 9339;

// "127.0.0.1:9339", "0.0.0.0:8080", "[::1]:0" → host and port.
// Log lines as JSON objects: {"time", "level", "message"} (request lines are objects of their own,
// api/router.h). The message is escaped by a flag of our own, as spdlog has none for JSON.
class json_message final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string_view text(msg.payload.data(), msg.payload.size());
    const auto escaped = boost::json::serialize(boost::json::value(text));
    dest.append(escaped.data() + 1, escaped.data() + escaped.size() - 1);  // without the quotes
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<json_message>();
  }
};

void use_json_logs() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<json_message>('*').set_pattern(
      R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","message":"%*"})");
  spdlog::set_formatter(std::move(formatter));
}

bool parse_listen(const std::string& text, http::server_options& out) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return false;
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  try {
    std::size_t used = 0;
    int port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || port < 0 || port > 65535) {
      return false;
    }
    out.host = host;
    out.port = static_cast<std::uint16_t>(port);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// "90" (seconds), "500ms", "90s", "15m", "24h", "90d"; "0" only where `zero_allowed`.
std::chrono::milliseconds parse_duration(const std::string& text, const std::string& option,
                                         bool zero_allowed = false) {
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string unit = text.substr(used);
  if (used == 0 || n < (zero_allowed ? 0 : 1) || n > 100'000'000 ||
      (unit != "" && unit != "ms" && unit != "s" && unit != "m" && unit != "h" && unit != "d")) {
    throw CLI::ValidationError(option, "expected a positive duration like 500ms, 90s, 15m, 24h or 7d");
  }
  const long long ms = unit == "ms"  ? 1
                       : unit == "m" ? 60'000
                       : unit == "h" ? 3'600'000
                       : unit == "d" ? 86'400'000
                                     : 1000;
  return std::chrono::milliseconds(n * ms);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Cognate: a self-hosted user pool server speaking the Amazon Cognito User Pools API"};
  cli.require_subcommand(1);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  std::string config;  // "": the sandbox looks for a Gen 2 project, then amplify/auth.json
  std::string node = "node";
  std::string listen = fmt::format("127.0.0.1:{}", default_port);
  std::string region = "us-east-1";
  std::string code_lifetime = "24h";
  std::string log_level = "info";
  std::string log_format = "text";
  std::string metrics_listen;
  std::string app_name = std::filesystem::current_path().filename().string();
  // API calls block on fsync (SQLite group commit) or the network (PostgreSQL). Many threads per
  // core keep the cores busy while others wait, and the more writers queue during one commit,
  // the more share the next: PasswordTotpSignIn at c = 64 went 690 → 815/s from 8 to 32 workers
  // on 2 cores (docs/benchmarks.md). CPU work is still bounded by the cores.
  int workers = std::max(16, 16 * static_cast<int>(std::thread::hardware_concurrency()));
  int read_workers = 4;
  int max_in_flight = 256;
  int max_connections = 10000;
  std::string header_timeout = "10s";
  std::string body_timeout = "30s";
  std::string idle_timeout = "60s";
  std::vector<std::string> trusted_proxies;
  std::vector<std::string> rate_limit_settings;
  std::string tls_cert;
  std::string tls_key;
  std::string lockout_first = "30s";
  std::string outbox_stuck = "15m";
  std::string audit_retention = "90d";
  std::string lockout_max = "15m";
  auth::migration_source migration;
  std::string migrate_timeout = "5s";
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--config", config,
                    "auth config: amplify/auth.json (defineAuth keys as JSON); the sandbox also "
                    "takes a Gen 2 project (its folder or amplify/backend.ts), and by default reads "
                    "the one in this folder when there is one");
    cmd->add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free one)")
        ->capture_default_str();
    cmd->add_option("--region", region, "region part of the user pool id")->capture_default_str();
    cmd->add_option("--code-lifetime", code_lifetime,
                    "how long emailed codes stay valid (e.g. 24h; short values are for tests)")
        ->capture_default_str();
    cmd->add_option("--log-level", log_level, "trace, debug, info, warn, error")
        ->capture_default_str();
    cmd->add_option("--log-format", log_format,
                    "text, or json: one JSON object per line (a line per request with its id, "
                    "operation, outcome, latency, pool, client, user and address)")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    cmd->add_option("--audit-retention", audit_retention,
                    "how long audit events are kept (0: for ever)")
        ->capture_default_str();
    cmd->add_option("--migrate-from", migration.endpoint,
                    "lazy migration: the old pool's endpoint (https://cognito-idp.REGION."
                    "amazonaws.com/); a name unknown here that signs in with USER_PASSWORD_AUTH "
                    "is checked there and, if its password is right, moved in");
    cmd->add_option("--migrate-pool", migration.pool_id, "lazy migration: the old pool's id");
    cmd->add_option("--migrate-client", migration.client_id,
                    "lazy migration: an app client of the old pool allowing USER_PASSWORD_AUTH");
    cmd->add_option("--migrate-timeout", migrate_timeout,
                    "lazy migration: how long the old pool may take to answer")
        ->capture_default_str();
    cmd->add_option("--outbox-stuck-after", outbox_stuck,
                    "/readyz says not ready once the oldest unsent email has waited this long")
        ->capture_default_str();
    cmd->add_option("--metrics-listen", metrics_listen,
                    "HOST:PORT of a listener for Prometheus (/metrics) and health checks "
                    "(/healthz, /readyz); off unless given");
    cmd->add_option("--workers", workers, "threads running API calls (default: 16 per core)")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    cmd->add_option("--read-workers", read_workers,
                    "threads running read-only API calls (GetUser), apart from --workers")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    cmd->add_option("--max-in-flight", max_in_flight,
                    "API calls running or queued before new ones get TooManyRequestsException")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    cmd->add_option("--max-connections", max_connections,
                    "open connections beyond which new ones are closed at once")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    cmd->add_option("--header-timeout", header_timeout,
                    "time a request's header may take to arrive")
        ->capture_default_str();
    cmd->add_option("--body-timeout", body_timeout,
                    "time a request's body (and an answer's sending) may take")
        ->capture_default_str();
    cmd->add_option("--idle-timeout", idle_timeout,
                    "how long a kept-alive connection may wait for its next request")
        ->capture_default_str();
    cmd->add_option("--trusted-proxy", trusted_proxies,
                    "address or network (10.0.0.0/8) of a proxy whose X-Forwarded-For names the "
                    "caller, for rate limits and logs; repeat for several");
    cmd->add_option("--rate-limit", rate_limit_settings,
                    "CLASS.SCOPE=RATE[/BURST] (e.g. sign-in.address=20/40; classes sign-up, "
                    "sign-in, challenge, recovery, token, mfa; scopes address, client), off, or "
                    "defaults (serve's; the sandbox has none unless asked); POOL_ID:CLASS.SCOPE="
                    "RATE[/BURST] or POOL_ID:off for one pool's calls; repeat for several "
                    "(docs/security.md lists the defaults)");
    cmd->add_option("--tls-cert", tls_cert,
                    "serve HTTPS with this PEM certificate chain (TLS 1.2+; reloaded on SIGHUP)");
    cmd->add_option("--tls-key", tls_key, "the PEM private key of --tls-cert");
    cmd->add_option("--lockout-first", lockout_first,
                    "the first lock after 5 wrong passwords or codes in a row; each further "
                    "failure doubles it")
        ->capture_default_str();
    cmd->add_option("--lockout-max", lockout_max, "the longest lock")->capture_default_str();
    cmd->add_option("--app-name", app_name,
                    "name shown in authenticator apps (TOTP issuer); default: this folder's name")
        ->capture_default_str();
  };

  auto* sandbox = cli.add_subcommand("sandbox", "developer loop: embedded database, live config, "
                                                "emails in an outbox folder");
  add_common(sandbox);
  std::string dir = ".cognate";
  std::string outputs = "amplify_outputs.json";
  sandbox->add_option("--dir", dir, "folder for the database, dev master key and outbox")
      ->capture_default_str();
  sandbox->add_option("--outputs", outputs, "where to write amplify_outputs.json")
      ->capture_default_str();
  sandbox->add_option("--node", node, "the Node.js that reads a Gen 2 project (22.18 or later, or "
                                      "older with the project's tsx)")
      ->capture_default_str();

  auto* config_cmd = cli.add_subcommand("config", "the auth config");
  config_cmd->require_subcommand(1);
  auto* compile = config_cmd->add_subcommand(
      "compile", "print the effective amplify/auth.json of a Gen 2 project (or JSON config), "
                 "validated: what `cognate serve --config` reads");
  std::string compile_from;
  compile->add_option("source", compile_from,
                      "a Gen 2 project folder, its amplify/backend.ts, or a JSON config (default: "
                      "this folder)");
  compile->add_option("--node", node, "the Node.js that reads the project")->capture_default_str();

  auto* serve = cli.add_subcommand("serve", "production server");
  add_common(serve);
  std::string database;
  std::string key_file;
  std::string smtp_url;
  std::string mail_dir;
  std::string from = "Cognate <no-reply@cognate.localhost>";
  std::string public_url;
  bool password_auth = false;
  int db_pool = 4;
  serve->add_option("--database", database, "sqlite:PATH or postgresql://user:pass@host:port/db")
      ->required();
  serve->add_option("--db-pool-size", db_pool, "PostgreSQL connections per node")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve->add_option("--master-key-file", key_file, "file with the master key (cognate keygen)")
      ->required();
  std::string previous_key_file;
  serve->add_option("--previous-master-key-file", previous_key_file,
                    "during a master-key rotation: the old key, to open what it sealed "
                    "(docs/deployment.md)");
  auto* smtp_opt = serve->add_option("--smtp-url", smtp_url,
                                     "smtp://user:pass@host:587 (STARTTLS when offered) or smtps://");
  auto* dir_opt = serve->add_option("--mail-dir", mail_dir,
                                    "write emails as .eml files here instead of sending them");
  smtp_opt->excludes(dir_opt);
  serve->add_option("--from", from, "From: address of emails (auth.json senders.email overrides)")
      ->capture_default_str();
  serve->add_option("--public-url", public_url, "the URL clients use to reach this server");
  int keys_reload = 30;
  serve->add_option("--keys-reload-interval", keys_reload,
                    "seconds between re-reading the signing keys (rotations by other nodes)")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  std::string issuer;
  serve->add_option("--issuer", issuer,
                    "token issuer (iss); default <public-url>/<pool id>. Use "
                    "https://cognito-idp.<region>.amazonaws.com/<pool id> for CognitoJwtVerifier");
  serve->add_flag("--allow-user-password-auth", password_auth,
                  "let the app client use USER_PASSWORD_AUTH (Gen 2 allows SRP only)");

  auto* migrate = cli.add_subcommand("migrate", "apply database migrations (PostgreSQL)");
  std::string migrate_db;
  migrate->add_option("--database", migrate_db, "postgresql://… (or sqlite:PATH)")->required();

  auto* keys = cli.add_subcommand("keys", "manage token-signing keys");
  auto* rotate = keys->add_subcommand("rotate", "add a new signing key; the old one keeps "
                                                 "verifying until its tokens expire");
  keys->require_subcommand(1);
  std::string rotate_db;
  std::string rotate_key_file;
  rotate->add_option("--database", rotate_db, "sqlite:PATH or postgresql://…")->required();
  rotate->add_option("--master-key-file", rotate_key_file, "the master key file")->required();
  std::string rotate_pool;
  rotate->add_option("--pool", rotate_pool, "the user pool (default: the database's only pool)");

  auto* rotate_master = keys->add_subcommand(
      "rotate-master", "re-seal every secret under a new master key while nodes serve: first "
                       "restart them with --master-key-file NEW --previous-master-key-file OLD");
  std::string master_db;
  std::string master_old_file;
  std::string master_new_file;
  int master_batch = 200;
  rotate_master->add_option("--database", master_db, "sqlite:PATH or postgresql://…")->required();
  rotate_master->add_option("--master-key-file", master_old_file, "the master key in use now")
      ->required();
  rotate_master->add_option("--new-key-file", master_new_file, "the new key (cognate keygen)")
      ->required();
  rotate_master->add_option("--batch", master_batch, "values re-sealed per transaction")
      ->check(CLI::Range(1, 10'000))
      ->capture_default_str();

  auto* seed = cli.add_subcommand(
      "seed", "fill the pool with confirmed test users fast, for benchmarks (known password; "
              "with --totp a TOTP secret anyone can derive from the email): never on real pools");
  std::string seed_db;
  std::string seed_key_file;
  std::string seed_dir;
  pool::seed_options seed_opts;
  seed_opts.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  auto* seed_db_opt = seed->add_option("--database", seed_db, "sqlite:PATH or postgresql://…");
  auto* seed_key_opt = seed->add_option("--master-key-file", seed_key_file, "the master key file");
  auto* seed_dir_opt =
      seed->add_option("--dir", seed_dir, "a sandbox folder (its database and dev master key)");
  seed_dir_opt->excludes(seed_db_opt)->excludes(seed_key_opt);
  seed_db_opt->needs(seed_key_opt);
  std::string seed_pool;
  seed->add_option("--pool", seed_pool, "the user pool (default: the database's only pool)");
  seed->add_option("--users", seed_opts.users, "how many users (user0@seed.example, user1@…)")
      ->required()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{100'000'000}));
  seed->add_option("--prefix", seed_opts.prefix, "email local part before the number")
      ->capture_default_str();
  seed->add_option("--domain", seed_opts.domain, "email domain")->capture_default_str();
  seed->add_option("--password", seed_opts.password, "every seeded user's password")
      ->capture_default_str();
  seed->add_flag("--totp", seed_opts.totp,
                 "enable SOFTWARE_TOKEN_MFA with a secret derived from the email (bench/)");
  seed->add_option("--threads", seed_opts.threads, "threads computing SRP verifiers")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();

  auto* audit = cli.add_subcommand("audit", "list security events (sign-ups, sign-ins, lockouts, "
                                             "MFA, password changes, admin actions), newest first");
  app::audit_command audit_cmd;
  std::string audit_dir;
  std::string audit_since;
  auto* audit_db_opt = audit->add_option("--database", audit_cmd.database,
                                         "sqlite:PATH or postgresql://…");
  audit->add_option("--dir", audit_dir, "a sandbox folder (default .cognate)")
      ->excludes(audit_db_opt);
  audit->add_option("--pool", audit_cmd.pool, "only this user pool");
  audit->add_option("--user", audit_cmd.user, "only this user: an email or a sub");
  audit->add_option("--since", audit_since, "only the last DURATION (e.g. 24h, 7d)");
  audit->add_option("--limit", audit_cmd.limit, "at most this many events")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  audit->add_flag("--json", audit_cmd.json, "one JSON object per line");

  auto* import = cli.add_subcommand(
      "import", "move users in from a Cognito user-import CSV (GetCSVHeader's columns): each "
                "becomes RESET_REQUIRED and sets a password with ForgotPassword");
  app::import_command import_cmd;
  std::string import_dir;
  auto* import_db_opt = import->add_option("--database", import_cmd.database,
                                           "sqlite:PATH or postgresql://…");
  import->add_option("--dir", import_dir, "a sandbox folder (default .cognate)")
      ->excludes(import_db_opt);
  import->add_option("--pool", import_cmd.pool, "the user pool (needed when there are several)");
  import->add_option("--batch", import_cmd.batch, "users per transaction")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  import->add_option("file", import_cmd.file, "the CSV file")->required();

  auto* credentials = cli.add_subcommand(
      "credentials", "operator access keys that sign the admin operations (SigV4)");
  credentials->require_subcommand(1);
  app::credentials_command cred;
  std::string cred_dir;
  auto add_cred_store = [&](CLI::App* cmd) {
    auto* db_opt = cmd->add_option("--database", cred.database, "sqlite:PATH or postgresql://…");
    auto* key_opt = cmd->add_option("--master-key-file", cred.key_file, "the master key file");
    auto* dir_opt = cmd->add_option("--dir", cred_dir, "a sandbox folder (its database and key)");
    dir_opt->excludes(db_opt)->excludes(key_opt);
    db_opt->needs(key_opt);
  };
  auto* cred_create = credentials->add_subcommand(
      "create", "create an access key; prints its id and secret once");
  add_cred_store(cred_create);
  cred_create->add_option("--name", cred.name, "who or what it is for")->required();
  cred_create->add_option("--pool", cred.pools, "limit it to this user pool (repeatable)");
  cred_create->add_option("--allow", cred.allow,
                          "limit it to operations matching this pattern, e.g. AdminGet* or "
                          "List* (repeatable)");
  auto* cred_list = credentials->add_subcommand("list", "list access keys (never secrets)");
  add_cred_store(cred_list);
  auto* cred_revoke = credentials->add_subcommand("revoke", "revoke an access key at once");
  add_cred_store(cred_revoke);
  cred_revoke->add_option("access-key-id", cred.access_key_id, "the access key id")->required();

  auto* backup = cli.add_subcommand(
      "backup", "copy a SQLite database while it serves (PostgreSQL: pg_dump, docs/deployment.md)");
  std::string backup_db;
  std::string backup_out;
  backup->add_option("--database", backup_db, "sqlite:PATH")->required();
  backup->add_option("--out", backup_out, "the copy to write (a new file)")->required();
  auto* restore = cli.add_subcommand(
      "restore", "make a SQLite database from a backup (before starting a server on it)");
  std::string restore_from;
  std::string restore_db;
  restore->add_option("--from", restore_from, "the backup file")->required();
  restore->add_option("--database", restore_db, "sqlite:PATH of the new database (a new file)")
      ->required();

  auto* keygen = cli.add_subcommand("keygen", "write a new master key file (mode 0600)");
  std::string key_out;
  keygen->add_option("--out", key_out, "file to create")->required();

  CLI11_PARSE(cli, argc, argv);
  spdlog::set_level(spdlog::level::from_str(log_level));
  if (log_format == "json") {
    use_json_logs();
  }

  try {
    if (migrate->parsed()) {
      if (migrate_db.starts_with("sqlite:")) {
        app::open_store(migrate_db, 1);  // SQLite migrates on open
        fmt::print("database {} is up to date\n", migrate_db.substr(7));
        return 0;
      }
      int version = store::pg_store::migrate(migrate_db);
      fmt::print("database is at schema version {}\n", version);
      return 0;
    }
    if (rotate->parsed()) {
      auto store = app::open_store(rotate_db, 1);
      auto sealer = pool::open_sealer(*store, crypto::master_key::load(rotate_key_file));
      if (!sealer) {
        fmt::print(stderr, "cognate: {}\n", sealer.error().message);
        return 1;
      }
      const system_clock clock;
      const auto pool_id = app::choose_pool(*store, rotate_pool);
      auto kid = pool::signing_keys::rotate(*store, *sealer, pool_id, clock);
      if (!kid) {
        fmt::print(stderr, "cognate: {}\n", kid.error().message);
        return 1;
      }
      fmt::print("new signing key {} for {}: every node publishes it in its JWKS within 30 s and "
                 "signs with it after 60 s\n",
                 *kid, pool_id);
      return 0;
    }
    if (backup->parsed() || restore->parsed()) {
      const auto& db = backup->parsed() ? backup_db : restore_db;
      if (!db.starts_with("sqlite:")) {
        fmt::print(stderr, "cognate: {} copies SQLite databases; for PostgreSQL use pg_dump and "
                           "pg_restore (docs/deployment.md, \"Back up and restore\")\n",
                   backup->parsed() ? "backup" : "restore");
        return 2;
      }
      return app::run_copy(backup->parsed(), backup->parsed() ? db.substr(7) : restore_from,
                           backup->parsed() ? backup_out : db.substr(7));
    }
    if (rotate_master->parsed()) {
      return app::run_rotate_master(master_db, master_old_file, master_new_file, master_batch);
    }
    if (seed->parsed()) {
      if (seed_dir.empty() && seed_db.empty()) {
        fmt::print(stderr, "cognate seed: give --dir (a sandbox folder) or --database with "
                           "--master-key-file\n");
        return 2;
      }
      if (!seed_dir.empty()) {
        seed_db = "sqlite:" + (std::filesystem::path(seed_dir) / "cognate.db").string();
        seed_key_file = (std::filesystem::path(seed_dir) / "master.key").string();
      }
      return app::run_seed(seed_db, seed_key_file, seed_pool, seed_opts);
    }
    if (audit->parsed()) {
      if (audit_cmd.database.empty()) {
        audit_cmd.database =
            "sqlite:" + (std::filesystem::path(audit_dir.empty() ? ".cognate" : audit_dir) /
                         "cognate.db").string();
      }
      if (!audit_since.empty()) {
        audit_cmd.since = std::chrono::duration_cast<std::chrono::seconds>(
            parse_duration(audit_since, "--since"));
      }
      return app::run_audit(audit_cmd);
    }
    if (import->parsed()) {
      if (import_cmd.database.empty()) {
        import_cmd.database =
            "sqlite:" + (std::filesystem::path(import_dir.empty() ? ".cognate" : import_dir) /
                         "cognate.db").string();
      }
      return app::run_import(import_cmd);
    }
    if (credentials->parsed()) {
      cred.action = cred_create->parsed() ? "create" : cred_list->parsed() ? "list" : "revoke";
      if (cred_dir.empty() && cred.database.empty()) {
        cred_dir = ".cognate";  // the sandbox's folder, where `make sandbox` keeps it
      }
      if (!cred_dir.empty()) {
        cred.database = "sqlite:" + (std::filesystem::path(cred_dir) / "cognate.db").string();
        cred.key_file = (std::filesystem::path(cred_dir) / "master.key").string();
      }
      return app::run_credentials(cred);
    }
    if (compile->parsed()) {
      // A folder only this process made (mkdtemp): nobody else can place the scripts Node runs.
      auto pattern = (std::filesystem::temp_directory_path() / "cognate-gen2-XXXXXX").string();
      if (::mkdtemp(pattern.data()) == nullptr) {
        fmt::print(stderr, "cognate: cannot make a temporary folder: {}\n", std::strerror(errno));
        return 1;
      }
      const std::filesystem::path scripts(pattern);
      auto source = app::find_config(".", compile_from, {.node = node, .scripts_dir = scripts});
      auto loaded = source ? source->load() : result<app::loaded_config>(source.error());
      std::error_code ignored;
      std::filesystem::remove_all(scripts, ignored);
      if (!loaded) {
        fmt::print(stderr, "cognate: {}\n", loaded.error().message);
        return 1;
      }
      for (const auto& warning : loaded->warnings) {
        fmt::print(stderr, "cognate: warning: {}\n", warning);
      }
      fmt::print("{}", loaded->json);
      return 0;
    }
    if (keygen->parsed()) {
      crypto::master_key::create(key_out);
      fmt::print("wrote a new master key to {}\n", key_out);
      return 0;
    }

    app::runtime_options o;
    o.app_name = app_name.empty() ? "Cognate" : app_name;
    o.http.workers = workers;
    o.http.readers = read_workers;
    o.http.max_in_flight = max_in_flight;
    o.region = region;
    o.outbox_stuck_after = parse_duration(outbox_stuck, "--outbox-stuck-after");
    if (!migration.endpoint.empty() || !migration.pool_id.empty() || !migration.client_id.empty()) {
      if (migration.endpoint.empty() || migration.pool_id.empty() || migration.client_id.empty()) {
        fmt::print(stderr, "cognate: lazy migration needs all three of --migrate-from, "
                           "--migrate-pool and --migrate-client\n");
        return 2;
      }
      migration.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
          parse_duration(migrate_timeout, "--migrate-timeout"));
      o.migration = migration;
    }
    o.audit_retention = std::chrono::duration_cast<std::chrono::seconds>(
        parse_duration(audit_retention, "--audit-retention", /*zero_allowed=*/true));
    o.code_lifetime =
        std::chrono::duration_cast<std::chrono::seconds>(parse_duration(code_lifetime, "--code-lifetime"));
    o.lockout.first = std::chrono::duration_cast<std::chrono::seconds>(
        parse_duration(lockout_first, "--lockout-first"));
    o.lockout.max = std::chrono::duration_cast<std::chrono::seconds>(
        parse_duration(lockout_max, "--lockout-max"));
    if (o.lockout.first.count() < 1 || o.lockout.max < o.lockout.first) {
      fmt::print(stderr, "cognate: --lockout-first must be at least 1s and --lockout-max at least "
                         "--lockout-first\n");
      return 1;
    }
    o.http.max_connections = max_connections;
    if (tls_cert.empty() != tls_key.empty()) {
      fmt::print(stderr, "cognate: --tls-cert and --tls-key go together\n");
      return 1;
    }
    o.http.tls_cert_file = tls_cert;
    o.http.tls_key_file = tls_key;
    o.http.header_timeout = parse_duration(header_timeout, "--header-timeout");
    o.http.body_timeout = parse_duration(body_timeout, "--body-timeout");
    o.http.idle_timeout = parse_duration(idle_timeout, "--idle-timeout");
    auto proxies = http::trusted_proxies::parse(trusted_proxies);
    if (!proxies) {
      fmt::print(stderr, "cognate: {}\n", proxies.error().message);
      return 1;
    }
    o.http.proxies = std::move(*proxies);
    // The sandbox is a developer's loop (test suites call it from one address at full speed):
    // no limits unless asked for. `serve` applies the defaults.
    o.rate_limits = sandbox->parsed() ? api::rate_limits::none() : api::rate_limits::defaults();
    for (const auto& setting : rate_limit_settings) {
      if (auto applied = o.rate_limits.apply(setting); !applied) {
        fmt::print(stderr, "cognate: {}\n", applied.error().message);
        return 1;
      }
    }
    o.log_format = log_format == "json" ? api::log_format::json : api::log_format::text;
    if (!metrics_listen.empty()) {
      http::server_options m{.io_threads = 1, .workers = 1, .readers = 1, .max_connections = 64};
      if (!parse_listen(metrics_listen, m)) {
        fmt::print(stderr, "cognate: --metrics-listen expects HOST:PORT, got \"{}\"\n",
                   metrics_listen);
        return 1;
      }
      o.metrics = m;
    }
    if (!parse_listen(listen, o.http)) {
      fmt::print(stderr, "cognate: --listen expects HOST:PORT, got \"{}\"\n", listen);
      return 1;
    }
    if (!app::valid_region(region)) {
      fmt::print(stderr, "cognate: --region expects an AWS-shaped region like us-east-1, got \"{}\"\n",
                 region);
      return 1;
    }

    if (sandbox->parsed()) {
      std::filesystem::path base(dir);
      o.mode = "sandbox";
      o.database = "sqlite:" + (base / "cognate.db").string();
      o.key = crypto::master_key::load_or_create(base / "master.key");
      o.outbox_dir = base / "outbox";
      o.mailer = std::make_unique<mail::file_mailer>(o.outbox_dir, stdout, ::isatty(1) != 0);
      o.default_from = "Cognate Sandbox <no-reply@sandbox.cognate.localhost>";
      o.allow_user_password_auth = true;
      o.outputs_path = outputs;
      o.watch_config = true;
      o.pool_name = "sandbox";
      o.credentials_file = base / "aws-credentials";
      auto source = app::find_config(".", config, {.node = node, .scripts_dir = base / "gen2"});
      if (!source) {
        fmt::print(stderr, "cognate: --config: {}\n", source.error().message);
        return 1;
      }
      o.config = std::move(*source);
      return app::run(std::move(o));
    }

    o.mode = "server";
    o.config = app::config_source::json_file(config.empty() ? "amplify/auth.json" : config);
    if (config.ends_with(".ts") || config.ends_with(".js") || config.ends_with(".mjs")) {
      fmt::print(stderr, "cognate: serve reads a JSON config and runs no project code: write it "
                         "with `cognate config compile > auth.json`\n");
      return 1;
    }
    o.database = database;
    o.database_pool_size = db_pool;
    o.keys_reload_interval = std::chrono::seconds(keys_reload);
    o.key = crypto::master_key::load(key_file);
    if (!previous_key_file.empty()) {
      o.previous_keys.push_back(crypto::master_key::load(previous_key_file));
    }
    if (!smtp_url.empty()) {
      auto smtp = mail::smtp_mailer::parse_smtp_url(smtp_url);
      if (!smtp) {
        fmt::print(stderr, "cognate: --smtp-url: {}\n", smtp.error().message);
        return 1;
      }
      o.mailer = std::make_unique<mail::smtp_mailer>(*smtp);
    } else if (!mail_dir.empty()) {
      // Nothing on the console: serve's logs never carry a code (the .eml files do).
      o.mailer = std::make_unique<mail::file_mailer>(mail_dir, nullptr, false);
      o.outbox_dir = mail_dir;
    } else {
      fmt::print(stderr, "cognate: serve needs --smtp-url (or --mail-dir to keep emails as files)\n");
      return 1;
    }
    o.default_from = from;
    o.public_url = public_url;
    o.issuer = issuer;
    o.allow_user_password_auth = password_auth;
    return app::run(std::move(o));
  } catch (const std::exception& e) {
    fmt::print(stderr, "cognate: {}\n", e.what());
    return 1;
  }
}
