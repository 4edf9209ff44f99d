#pragma once
// The master key at work on a database: the sealer a process uses (its key ring and the
// database's hash root), and re-sealing every secret under a new master key.
//
// Rotation, while nodes serve (docs/deployment.md has the commands):
//   1. every node restarts with --master-key-file NEW --previous-master-key-file OLD: it seals
//      with NEW and opens what either sealed;
//   2. `cognate keys rotate-master` re-seals every value still under another key, in small
//      transactions, each value only if nobody rewrote it meanwhile — stop it at any moment and
//      run it again, it goes on from where it stood;
//   3. every node restarts with NEW alone; OLD can be destroyed.
// Keyed hashes (codes, decoys) are unaffected: they derive from the hash root (crypto/sealer.h),
// which is one more sealed value that rotation re-seals.

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "crypto/sealer.h"
#include "store/store.h"

namespace cognate::pool {

// The sealer for `store`: seals with `current`, opens what `current` or any of `previous` sealed,
// and derives keyed hashes from the database's hash root. A database without a root gets one
// now: a random one if it holds no secret yet; if it does (it was made before roots existed),
// the master key its secrets are sealed with, which is what its keyed hashes came from. Fails
// (errc::internal, saying which key is missing) when the root is sealed with no key given.
result<crypto::sealer> open_sealer(store::store& store, const crypto::master_key& current,
                                   const std::vector<crypto::master_key>& previous = {});

struct reseal_progress {
  store::sealed_column column;
  std::int64_t done = 0;   // of this column, so far
  std::int64_t total = 0;  // of this column, when it started
  bool finished = false;   // the column's last report
};

struct reseal_report {
  std::array<std::int64_t, store::all_sealed_columns.size()> resealed{};  // by column
  std::int64_t left = 0;  // values still under another key at the end (a node sealed with one)
};

// Re-seals every value in `store` that is not sealed with `ring`'s sealing key, `batch` values
// per transaction. Fails if a value is sealed with a key not in `ring` (naming the column and
// the key) or the store fails; what was re-sealed before stays re-sealed. `progress` hears of each
// column when it starts, after each transaction and when it is done.
result<reseal_report> reseal_all(store::store& store, const crypto::sealer& ring, int batch,
                                 const std::function<void(const reseal_progress&)>& progress = {});

}  // namespace cognate::pool
