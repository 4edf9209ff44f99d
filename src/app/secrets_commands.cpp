#include "app/secrets_commands.h"

#include "app/runtime.h"
#include "pool/master_keys.h"
#include "store/sqlite/backup.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <numeric>

namespace cognate::app {

int run_copy(bool backup, const std::string& from, const std::string& to) {
  const auto started = std::chrono::steady_clock::now();
  auto copied = store::sqlite::copy_database(from, to);
  if (!copied) {
    fmt::print(stderr, "cognate: {}\n", copied.error().message);
    return 1;
  }
  if (!backup) {
    open_store("sqlite:" + to, 1);  // brings an older backup to this version's schema
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print("{} {} to {}: {} users in {} pool(s), {:.1f} MB, checked, in {:.1f} s\n",
             backup ? "backed up" : "restored", from, to, copied->users, copied->pools,
             static_cast<double>(copied->bytes) / 1e6, seconds);
  if (!copied->key_id.empty()) {
    fmt::print(
        "its secrets are sealed with master key {}: without that key the copy is useless, "
        "and with it anyone can use the copy, so keep the two apart\n",
        copied->key_id);
  }
  return 0;
}

int run_rotate_master(const std::string& database, const std::string& old_key_file,
                      const std::string& new_key_file, int batch) {
  const auto old_key = crypto::master_key::load(old_key_file);
  const auto new_key = crypto::master_key::load(new_key_file);
  if (old_key.id() == new_key.id()) {
    fmt::print(stderr,
               "cognate: {} and {} hold the same key: make a new one with "
               "`cognate keygen --out FILE`\n",
               old_key_file, new_key_file);
    return 2;
  }
  auto store = open_store(database, 1);
  auto ring = pool::open_sealer(*store, new_key, {old_key});
  if (!ring) {
    fmt::print(stderr, "cognate: {}\n", ring.error().message);
    return 1;
  }
  fmt::print("re-sealing every secret under master key {} (was {}), {} per transaction\n",
             new_key.id(), old_key.id(), batch);
  auto report = pool::reseal_all(*store, *ring, batch, [](const pool::reseal_progress& p) {
    // A line when a column starts and one when it is done (flushed: progress under a pipe too).
    if (p.finished) {
      fmt::print("  {:<28} {:>9} re-sealed\n", store::column_name(p.column), p.done);
    } else if (p.done == 0 && p.total > 0) {
      fmt::print("  {:<28} {:>9} to re-seal…\n", store::column_name(p.column), p.total);
    }
    std::fflush(stdout);
  });
  if (!report) {
    fmt::print(stderr,
               "cognate: {}\n(what was re-sealed stays so: run the command again once "
               "that is fixed)\n",
               report.error().message);
    return 1;
  }
  const auto total =
      std::accumulate(report->resealed.begin(), report->resealed.end(), std::int64_t{0});
  if (report->left > 0) {
    fmt::print(stderr,
               "cognate: {} re-sealed, but {} values were written under another key "
               "meanwhile: a node still seals with the old key. Restart every node with "
               "--master-key-file {} --previous-master-key-file {}, then run this again.\n",
               total, report->left, new_key_file, old_key_file);
    return 1;
  }
  fmt::print(
      "done: {} values re-sealed; nothing in the database needs key {} any more.\n"
      "Restart every node with --master-key-file {} alone, then destroy {} (backups made "
      "before now still need it).\n",
      total, old_key.id(), new_key_file, old_key_file);
  return 0;
}

}  // namespace cognate::app
