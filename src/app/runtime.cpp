#include "app/runtime.h"

#include "api/router.h"
#include "api/service.h"
#include "app/credentials.h"
#include "app/provision.h"
#include "auth/services.h"
#include "common/metrics.h"
#include "mail/outbox.h"
#include "pool/auth_config.h"
#include "pool/directory.h"
#include "pool/master_keys.h"
#include "pool/registration.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace cognate::app {
namespace {

void write_outputs(const std::filesystem::path& path, const pool::pool_settings& s,
                   const pool_ids& ids) {
  write_file_atomically(path, pretty_json(pool::amplify_outputs(s, ids.pool_id, ids.client_id)));
}

void print_banner(const runtime_options& o, const pool_ids& ids, const std::string& endpoint,
                  const std::string& access_key_id) {
  fmt::print("\nCognate {} is running\n", o.mode);
  fmt::print("  endpoint      {}\n", endpoint);
  fmt::print("  try it        {}/  (the built-in Authenticator page)\n", endpoint);
  fmt::print("  user pool     {} ({})\n", ids.pool_id, ids.created ? "created" : "reused");
  fmt::print("  app client    {}\n", ids.client_id);
  fmt::print("  config        {}{}{}\n", o.config.name(),
             o.config.is_project() ? " (Amplify Gen 2 project, read with Node.js)" : "",
             o.watch_config ? " (watching: edits apply live)" : "");
  fmt::print("  database      {}\n",
             o.database.starts_with("sqlite:") ? o.database.substr(7) : std::string("PostgreSQL"));
  if (!o.outbox_dir.empty()) {
    fmt::print("  outbox        {}/ (every email lands here and below)\n", o.outbox_dir.string());
  }
  if (o.outputs_path) {
    fmt::print("  outputs       {}\n", o.outputs_path->string());
    fmt::print(
        "\nPoint an Amplify app at it (after `import outputs from './amplify_outputs.json'`):\n"
        "  const config = parseAmplifyConfig(outputs);  // from 'aws-amplify/utils'\n"
        "  Amplify.configure({{ ...config, Auth: {{ Cognito: {{ ...config.Auth.Cognito,\n"
        "    userPoolEndpoint: '{}' }} }} }});\n",
        endpoint);
  }
  fmt::print(
      "\nAWS CLI: aws cognito-idp sign-up --endpoint-url {} --region {} --client-id {} "
      "--username you@example.com --password 'Passw0rd!'\n",
      endpoint, o.region, ids.client_id);
  if (o.credentials_file) {
    fmt::print(
        "\nAdmin operations are signed with the access key {} in {}:\n"
        "  export AWS_SHARED_CREDENTIALS_FILE={} AWS_PROFILE=cognate\n"
        "  aws cognito-idp list-users --endpoint-url {} --user-pool-id {}\n",
        access_key_id, o.credentials_file->string(),
        std::filesystem::absolute(*o.credentials_file).string(), endpoint, ids.pool_id);
  }
  fmt::print("\n");
  std::fflush(stdout);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  auto tmp = path;
  tmp += fmt::format(".tmp-{}", ::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    throw std::runtime_error("cannot write " + tmp.string());
  }
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fflush(f) == 0 && ok;
  ok = ::fsync(fileno(f)) == 0 && ok;
  ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    std::filesystem::remove(tmp);
    throw std::runtime_error("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, path);
}

std::unique_ptr<store::store> open_store(const std::string& database, int pool_size) {
  if (database.starts_with("sqlite:")) {
    std::filesystem::path path = database.substr(7);
    if (path.has_parent_path()) {
      std::filesystem::create_directories(path.parent_path());
    }
    return std::make_unique<store::sqlite_store>(path);
  }
  if (database.starts_with("postgresql://") || database.starts_with("postgres://")) {
    return std::make_unique<store::pg_store>(database, pool_size);
  }
  throw std::runtime_error("--database expects sqlite:PATH or postgresql://user:pass@host:port/db");
}

namespace {

double seconds_between(time_point from, time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// What GET /readyz checks: the database answers and has this version's schema, every pool has
// its signing keys, and the outbox is not stuck (its oldest pending mail is not older than
// `outbox_stuck_after`).
api::readiness check_readiness(store::store& store, const pool::directory& directory,
                               const cognate::clock& clock,
                               std::chrono::milliseconds outbox_stuck_after) {
  api::readiness r;
  const auto bad = [&](std::string name, std::string why) {
    r.ready = false;
    r.checks.emplace_back(std::move(name), std::move(why));
  };
  auto read = store::in_read(store, [](store::transaction& tx) { return tx.outbox().summarize(); });
  if (!read) {
    bad("database", "unreachable: " + read.error().message);
  } else {
    r.checks.emplace_back("database", "ok");
    if (const auto schema = store.schema(); !schema) {
      bad("schema", "unreadable: " + schema.error().message);
    } else if (schema->database != schema->known) {
      bad("schema", fmt::format("version {}, this build's is {} ({})", schema->database,
                                schema->known,
                                schema->database > schema->known ? "upgrade this node"
                                                                 : "run cognate migrate"));
    } else {
      r.checks.emplace_back("schema", "ok");
    }
    const auto oldest = read->oldest_pending;
    if (oldest && clock.now() - *oldest > outbox_stuck_after) {
      bad("outbox", fmt::format("stuck: the oldest unsent mail was queued {:.0f} s ago",
                                seconds_between(*oldest, clock.now())));
    } else {
      r.checks.emplace_back("outbox", "ok");
    }
  }
  const auto pools = directory.current()->pools();
  const bool keys = !pools.empty() && std::ranges::all_of(pools, [](const auto& p) {
    return p->keys != nullptr && p->keys->current() != nullptr;
  });
  if (keys) {
    r.checks.emplace_back("signing_keys", "ok");
  } else {
    bad("signing_keys", "a pool has no signing key loaded");
  }
  return r;
}

// The gauges read when /metrics is scraped.
std::vector<metrics::gauge_reading> node_gauges(store::store& store,
                                                const pool::directory& directory,
                                                const http::server& server,
                                                const api::rate_limiter& limiter,
                                                const cognate::clock& clock) {
  std::vector<metrics::gauge_reading> out = metrics::process_readings();
  out.push_back({"cognate_build_info",
                 "Always 1; the labels say what runs.",
                 "gauge",
                 {{{{"version", COGNATE_VERSION}}, 1}}});
  out.push_back({"cognate_worker_queue_depth",
                 "API calls running or waiting for a worker.",
                 "gauge",
                 {{{}, static_cast<double>(server.in_flight())}}});
  out.push_back({"cognate_rate_limit_buckets",
                 "Token buckets this node holds.",
                 "gauge",
                 {{{}, static_cast<double>(limiter.size())}}});
  const auto now = clock.now();
  const auto pools = directory.current()->pools();
  struct found {
    store::outbox_repository::summary outbox;
    std::vector<std::pair<std::string, time_point>> newest_keys;
  };
  auto read = store::in_read(store, [&](store::transaction& tx) -> result<found> {
    found f;
    ASSIGN_OR_RETURN(f.outbox, tx.outbox().summarize());
    for (const auto& p : pools) {
      ASSIGN_OR_RETURN(auto keys, tx.keys().list(p->id));
      if (!keys.empty()) {
        f.newest_keys.emplace_back(p->id, keys.back().created_at);
      }
    }
    return f;
  });
  if (read) {
    metrics::gauge_reading by_status{"cognate_outbox_emails",
                                     "Emails in the outbox, by status (pending, sent, failed).",
                                     "gauge",
                                     {}};
    for (const auto& status : {"pending", "sent", "failed"}) {
      double n = 0;
      for (const auto& [s, count] : read->outbox.by_status) {
        n += s == status ? static_cast<double>(count) : 0;
      }
      by_status.samples.push_back({{{"status", status}}, n});
    }
    out.push_back(std::move(by_status));
    const auto oldest = read->outbox.oldest_pending;
    out.push_back({"cognate_outbox_oldest_pending_age_seconds",
                   "How long the oldest unsent email has waited (0: none waits).",
                   "gauge",
                   {{{}, oldest ? std::max(0.0, seconds_between(*oldest, now)) : 0.0}}});
    metrics::gauge_reading ages{"cognate_signing_key_age_seconds",
                                "Age of each pool's newest token-signing key.",
                                "gauge",
                                {}};
    for (const auto& [pool_id, created] : read->newest_keys) {
      ages.samples.push_back({{{"pool", pool_id}}, seconds_between(created, now)});
    }
    out.push_back(std::move(ages));
  }
  out.push_back({"cognate_up",
                 "1 when the last scrape could read the database, else 0.",
                 "gauge",
                 {{{}, read ? 1.0 : 0.0}}});
  return out;
}

// Every connection is a file descriptor: take the hard limit when the soft one is too low for
// --max-connections (plus the store's and the mail worker's), and say so when even that is.
void raise_open_file_limit(int max_connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return;
  }
  const rlim_t wanted = static_cast<rlim_t>(max_connections) + 256;
  if (limit.rlim_cur < wanted && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur < wanted) {
    spdlog::warn(
        "open files are limited to {} (ulimit -n): fewer than --max-connections {} can "
        "be served at once",
        limit.rlim_cur, max_connections);
  }
}

}  // namespace

int run(runtime_options o) {
  // Signals are taken synchronously by the main thread; block them before any thread starts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);  // not a stop: reloads the TLS certificate
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  raise_open_file_limit(o.http.max_connections);

  auto loaded = o.config.load();
  if (!loaded) {
    fmt::print(stderr, "cognate: {}: {}\n", o.config.name(), loaded.error().message);
    return 1;
  }
  for (const auto& warning : loaded->warnings) {
    fmt::print(stderr, "cognate: warning: {}\n", warning);
  }
  const auto parsed = &loaded->settings;

  try {
    auto store_ptr = open_store(o.database, o.database_pool_size);
    auto& store = *store_ptr;
    auto opened = pool::open_sealer(store, *o.key, o.previous_keys);
    if (!opened) {
      fmt::print(stderr, "cognate: {}\n", opened.error().message);
      return 1;
    }
    const crypto::sealer sealer = std::move(*opened);
    for (const auto& previous : o.previous_keys) {
      spdlog::info(
          "sealing with master key {}; also opening what key {} sealed (until `cognate "
          "keys rotate-master` has re-sealed it all)",
          o.key->id(), previous.id());
    }
    const system_clock clock;
    const auto ids = provision(store, clock,
                               {.region = o.region,
                                .name = o.pool_name,
                                .settings = *parsed,
                                .issuer = o.issuer,
                                .allow_user_password_auth = o.allow_user_password_auth});

    http::server server(o.http);
    const auto port = server.listen();
    const std::string scheme = server.tls() ? "https" : "http";
    const std::string endpoint =
        o.public_url.empty() ? fmt::format("{}://{}:{}", scheme, o.http.host, port) : o.public_url;
    pool::directory directory(store, sealer, clock, {.public_url = endpoint});
    mail::outbox_worker mail_worker(store, sealer, *o.mailer, clock);
    pool::registration registration(
        store, sealer, clock, {.default_from = o.default_from, .code_lifetime = o.code_lifetime},
        [&mail_worker] { mail_worker.notify(); });
    pool::account_recovery recovery(store, sealer, clock, {.default_from = o.default_from},
                                    [&mail_worker] { mail_worker.notify(); });
    std::optional<auth::user_migration> migration;
    if (o.migration) {
      auto source = *o.migration;
      source.into_pool = ids.pool_id;
      migration.emplace(std::move(source));
      spdlog::info("lazy migration: a name {} does not have that signs in with USER_PASSWORD_AUTH "
                   "is checked by pool {} at {} and, when its password is right, moved in",
                   ids.pool_id, o.migration->pool_id, o.migration->endpoint);
      if (!o.allow_user_password_auth) {
        spdlog::warn("lazy migration needs sign-ins with USER_PASSWORD_AUTH: start serve with "
                     "--allow-user-password-auth");
      }
    }
    auth::services auth(store, sealer, clock,
                        {.lockout = o.lockout,
                         .default_from = o.default_from,
                         .mail_queued = [&mail_worker] { mail_worker.notify(); },
                         .migration = migration ? &*migration : nullptr});
    auth::client_admin clients(store, directory, sealer, clock, ids.client_id);
    auth::pool_admin pools(store, directory, clock, ids.pool_id);
    api::rate_limiter limiter(o.rate_limits);
    const api::service api({.directory = directory,
                            .registration = registration,
                            .recovery = recovery,
                            .auth = auth,
                            .clients = clients,
                            .pools = pools,
                            .region = o.region,
                            .limiter = &limiter});

    const api::page_config page{
        .pool_id = ids.pool_id, .client_id = ids.client_id, .app_name = o.app_name};
    const auto readiness = [&] {
      return check_readiness(store, directory, clock, o.outbox_stuck_after);
    };
    api::router router(api, directory, page);
    router.set_readiness(readiness);
    router.set_log_format(o.log_format);
    // Gauges read at scrape time; unregistered (below) before what they read goes away.
    struct gauges_registration {
      int id;
      ~gauges_registration() { metrics::process().remove_gauges(id); }
    } gauges{metrics::process().add_gauges(
        [&] { return node_gauges(store, directory, server, limiter, clock); })};
    std::optional<http::server> metrics_server;
    api::router metrics_router(api, directory, page);
    if (o.metrics) {
      metrics_router.serve_metrics_only();
      metrics_router.set_readiness(readiness);
      metrics_server.emplace(*o.metrics);
      metrics_server->listen();
    }
    server.start(router);
    if (metrics_server) {
      metrics_server->start(metrics_router);
      spdlog::info("metrics on http://{}:{}/metrics (and /healthz, /readyz)", o.metrics->host,
                   metrics_server->port());
    }
    mail_worker.start();

    if (o.outputs_path) {
      write_outputs(*o.outputs_path, *parsed, ids);
    }
    std::string access_key_id;
    if (o.credentials_file) {
      access_key_id =
          ensure_sandbox_credential(store, sealer, clock, *o.credentials_file, o.region);
    }
    print_banner(o, ids, endpoint, access_key_id);

    spdlog::info("Cognate listening on {}://{}:{}", scheme, o.http.host, server.port());

    std::string last_fingerprint = o.watch_config ? o.config.fingerprint() : "";
    pool::pool_settings current = *parsed;
    timespec poll_interval{0, 300'000'000};
    auto next_sweep = std::chrono::steady_clock::now();  // at start, then every minute
    auto next_key_reload = std::chrono::steady_clock::now() + o.keys_reload_interval;
    auto next_directory_check = std::chrono::steady_clock::now() + o.directory_check_interval;
    for (;;) {
      int sig = sigtimedwait(&stop_signals, nullptr, &poll_interval);
      if (sig == SIGINT || sig == SIGTERM) {
        spdlog::info("stopping on signal {}", sig);
        break;
      }
      if (sig == SIGHUP && server.tls()) {
        if (auto reloaded = server.reload_tls(); reloaded) {
          spdlog::info("TLS certificate reloaded from {}", o.http.tls_cert_file);
        } else {
          spdlog::error("TLS certificate not reloaded, still serving the previous one: {}",
                        reloaded.error().message);
        }
      }
      if (std::chrono::steady_clock::now() >= next_directory_check) {
        // Pools and clients changed by another node (or tool): one small read when nothing did.
        next_directory_check = std::chrono::steady_clock::now() + o.directory_check_interval;
        (void)directory.refresh();
      }
      if (std::chrono::steady_clock::now() >= next_key_reload) {
        next_key_reload = std::chrono::steady_clock::now() + o.keys_reload_interval;
        directory.reload_keys();  // picks up rotations made by `cognate keys rotate`
      }
      if (std::chrono::steady_clock::now() >= next_sweep) {
        next_sweep += std::chrono::minutes(1);
        (void)store.transact([&](store::transaction& tx) -> result<void> {
          RETURN_IF_ERROR(tx.sessions().remove_expired(clock.now()));
          RETURN_IF_ERROR(pool::code_book::sweep(tx, clock.now()));
          if (o.audit_retention.count() > 0) {
            // Bounded per sweep, so a first sweep of a large backlog does not hold the writer.
            RETURN_IF_ERROR(tx.audit().remove_before(clock.now() - o.audit_retention, 10'000));
          }
          return {};
        });
      }
      if (!o.watch_config) {
        continue;
      }
      auto fingerprint = o.config.fingerprint();
      if (fingerprint == last_fingerprint) {
        continue;
      }
      last_fingerprint = std::move(fingerprint);
      auto reloaded = o.config.load();
      if (!reloaded) {
        fmt::print("✗ {} not applied, still serving the previous config: {}\n", o.config.name(),
                   reloaded.error().message);
        std::fflush(stdout);
        continue;
      }
      for (const auto& warning : reloaded->warnings) {
        fmt::print("! {}\n", warning);
      }
      const auto next = &reloaded->settings;
      auto changes = pool::describe_changes(current, *next);
      if (changes.empty()) {
        continue;
      }
      if (auto stored = store_settings(store, clock, ids.pool_id, *next); !stored) {
        fmt::print("✗ {} not applied: {}\n", o.config.name(), stored.error().message);
        std::fflush(stdout);
        continue;
      }
      (void)directory.refresh(true);
      current = *next;
      if (o.outputs_path) {
        write_outputs(*o.outputs_path, current, ids);
      }
      for (const auto& line : changes) {
        fmt::print("✓ config applied: {}\n", line);
      }
      std::fflush(stdout);
    }
    if (metrics_server) {
      metrics_server->stop();
    }
    server.stop();
    mail_worker.stop();
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "cognate: {}\n", e.what());
    return 1;
  }
}

}  // namespace cognate::app
