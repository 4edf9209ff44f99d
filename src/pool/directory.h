#pragma once
// The user pools and app clients this node serves, read from the store: any number of pools,
// each with its settings, issuer, signing keys and clients. Every node builds the same directory
// from the same database; a change written by one node (the sandbox's config watcher, later the
// admin API) raises the directory version, and each node's refresh() — run every second by the
// runtime, and at once on the node that made the change — loads the new state.
//
// Readers take one snapshot per request (current(): a shared_ptr copy under a mutex, no store
// access) and use it throughout, so a request never sees half of a change. Safe for concurrent
// use.

#include "common/clock.h"
#include "crypto/sealer.h"
#include "pool/settings.h"
#include "pool/signing_keys.h"
#include "store/store.h"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace cognate::pool {

// The part of a pool id after '_' ("us-east-1_AbC" → "AbC"): hashed into every SRP proof.
std::string srp_pool_name(std::string_view pool_id);

// One pool as this node serves it. Immutable once published, except for its signing keys, which
// reload themselves (signing_keys is safe for concurrent use).
struct pool_entry {
  std::string id;
  std::string name;
  pool_settings settings;
  std::string issuer;  // the tokens' "iss"
  std::string url;     // where its .well-known documents are served: <public URL>/<id>
  std::shared_ptr<signing_keys> keys;

  std::string srp_name() const { return srp_pool_name(id); }
};

// A new pool id, AWS-shaped: "<region>_<9 alphanumerics>" (protocol doc §2).
std::string new_pool_id(std::string_view region);


// One app client and the pool it belongs to.
struct client_entry {
  store::client_record record;
  std::shared_ptr<const pool_entry> pool;
  std::string secret;  // unsealed; "" for a public client

  bool has_secret() const { return !secret.empty(); }


  // True when ExplicitAuthFlows lists ALLOW_<flow>, e.g. allows("USER_PASSWORD_AUTH").
  bool allows(std::string_view flow) const;
};

// The directory at one version. Immutable; lookups do not block.
class directory_snapshot {
 public:
  std::int64_t version() const { return version_; }
  // Oldest first.
  const std::vector<std::shared_ptr<const pool_entry>>& pools() const { return pools_; }
  std::shared_ptr<const pool_entry> pool(std::string_view id) const;
  // The pool whose tokens carry this "iss", or nullptr.
  std::shared_ptr<const pool_entry> pool_for_issuer(std::string_view issuer) const;
  // The client with this id, or nullptr.
  const client_entry* client(std::string_view id) const;
  // A pool's clients, oldest first.
  std::vector<const client_entry*> clients_of(std::string_view pool_id) const;

 private:
  friend class directory;
  std::int64_t version_ = 0;
  std::vector<std::shared_ptr<const pool_entry>> pools_;
  std::map<std::string, std::shared_ptr<const pool_entry>, std::less<>> by_id_;
  std::map<std::string, std::shared_ptr<const pool_entry>, std::less<>> by_issuer_;
  std::map<std::string, client_entry, std::less<>> clients_;
  std::vector<std::string> client_order_;  // ids, oldest first
};

struct directory_options {
  std::string public_url;  // "http://127.0.0.1:9339": a pool's URL and default issuer append /<id>
  // How long a retired signing key keeps verifying: the longest token lifetime a client may set
  // (Cognito's limit for access and ID tokens is one day).
  std::chrono::seconds longest_token_lifetime = std::chrono::hours(24);
};

class directory {
 public:
  // Loads every pool and client, creating the first signing key of a pool that has none.
  // Throws std::runtime_error if the store fails or a pool's stored data cannot be read
  // (start-up only).
  directory(store::store& store, const crypto::sealer& sealer, const clock& clock,
            directory_options options);

  std::shared_ptr<const directory_snapshot> current() const;

  // Reloads pools and clients if the stored version moved (always when `force`). Returns true
  // when a new snapshot was published; on a store failure keeps the current one. Blocks on the
  // store; serialised internally.
  result<bool> refresh(bool force = false);

  // Re-reads every pool's signing keys (rotations made by `cognate keys rotate`). Blocks.
  void reload_keys();

 private:
  result<std::shared_ptr<const directory_snapshot>> load();

  store::store& store_;
  const crypto::sealer& sealer_;
  const clock& clock_;
  directory_options options_;
  std::mutex refresh_mutex_;                                   // one refresh at a time
  std::map<std::string, std::shared_ptr<signing_keys>> keys_;  // guarded by refresh_mutex_
  mutable std::mutex mutex_;
  std::shared_ptr<const directory_snapshot> current_;  // guarded by mutex_
};

}  // namespace cognate::pool
