#include "app/seed_command.h"

#include "app/provision.h"
#include "app/runtime.h"
#include "crypto/sealer.h"
#include "pool/master_keys.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace cognate::app {
namespace {

using steady = std::chrono::steady_clock;

std::string duration_text(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  return s >= 60 ? fmt::format("{}m{:02}s", s / 60, s % 60) : fmt::format("{}s", s);
}

// "[##########··········]  50%  500000/1000000 users  5210/s  ETA 1m36s"
void draw(const pool::seed_progress& p, steady::time_point started, bool tty, int& last_decile) {
  const double elapsed = std::chrono::duration<double>(steady::now() - started).count();
  const double fraction = p.total > 0 ? static_cast<double>(p.done) / static_cast<double>(p.total) : 1;
  const double rate = elapsed > 0 ? static_cast<double>(p.done) / elapsed : 0;
  const double eta = rate > 0 ? static_cast<double>(p.total - p.done) / rate : 0;
  constexpr int width = 30;
  const int filled = static_cast<int>(fraction * width);
  const std::string line = fmt::format(
      "[{}{}] {:3.0f}%  {}/{} users  {:.0f}/s  {}", std::string(static_cast<std::size_t>(filled), '#'),
      std::string(static_cast<std::size_t>(width - filled), '.'), fraction * 100, p.done, p.total,
      rate, p.done < p.total ? "ETA " + duration_text(eta) : "in " + duration_text(elapsed));
  if (tty) {
    fmt::print(stderr, "\r{}\x1b[K", line);
    std::fflush(stderr);
    return;
  }
  const int decile = static_cast<int>(fraction * 10);
  if (decile > last_decile) {
    last_decile = decile;
    fmt::print(stderr, "{}\n", line);
  }
}

}  // namespace

int run_seed(const std::string& database, const std::string& key_file,
             const std::string& pool_id, const pool::seed_options& options) {
  auto store = open_store(database, std::max(2, options.threads));
  auto sealer = pool::open_sealer(*store, crypto::master_key::load(key_file));
  if (!sealer) {
    fmt::print(stderr, "cognate seed: {}\n", sealer.error().message);
    return 1;
  }
  std::string chosen;
  try {
    chosen = choose_pool(*store, pool_id);
  } catch (const std::exception& e) {
    fmt::print(stderr, "cognate seed: {}\n", e.what());
    return 1;
  }
  const system_clock clock;

  const bool tty = ::isatty(2) != 0;
  const auto started = steady::now();
  int last_decile = 0;
  auto done = pool::seed_users(*store, *sealer, clock, chosen, options, [&](const pool::seed_progress& p) {
    draw(p, started, tty, last_decile);
  });
  if (tty) {
    fmt::print(stderr, "\n");
  }
  if (!done) {
    fmt::print(stderr, "cognate seed: {}\n", done.error().message);
    return 1;
  }
  const double elapsed = std::chrono::duration<double>(steady::now() - started).count();
  fmt::print("seeded {}: {} users created, {} already there, in {:.1f} s; password \"{}\"{}\n",
             chosen, done->created, done->done - done->created, elapsed, options.password,
             options.totp ? ", TOTP enabled (secret derived from the email)" : "");
  return 0;
}

}  // namespace cognate::app
