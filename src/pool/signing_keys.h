#pragma once
// The pool's token-signing keys, kept sealed in the store and shared by every node.
//
// The newest key signs. Older keys keep verifying (and stay in the JWKS) until every token they
// signed has expired: a key retired by a rotation at time R is kept until R + token lifetime +
// 5 minutes. Each node reloads the keys from the store every `refresh` and, at once, when it sees
// a token signed by a key it does not know (another node rotated), so all nodes agree within
// seconds. Safe for concurrent use.

#include "common/clock.h"
#include "crypto/sealer.h"
#include "store/store.h"
#include "token/keyring.h"

#include <chrono>
#include <memory>
#include <mutex>

namespace cognate::pool {

class signing_keys {
 public:
  // Loads the keys, creating the first one if the pool has none. Throws std::runtime_error if
  // the store fails or a stored key cannot be opened (wrong master key) — start-up only.
  signing_keys(store::store& store, const crypto::sealer& sealer, std::string pool_id,
               const clock& clock, std::chrono::seconds token_lifetime);

  std::shared_ptr<const token::keyring> current() const;
  std::string sign(const boost::json::object& payload) const;
  boost::json::object jwks() const;
  // Verifies with the current keys; if the token names an unknown key, reloads (at most once a
  // second) and tries again.
  result<token::verified_jwt> verify(std::string_view token);
  // Re-reads the keys from the store; keeps the current ones if that fails. Blocks on the store.
  void reload();

  // Adds a new key that signs from now on (every node picks it up); returns its kid. Blocks.
  static result<std::string> rotate(store::store& store, const crypto::sealer& sealer,
                                    const std::string& pool_id, const clock& clock);

 private:
  result<std::shared_ptr<const token::keyring>> load(bool create_if_empty);

  store::store& store_;
  const crypto::sealer& sealer_;
  std::string pool_id_;
  const clock& clock_;
  std::chrono::seconds keep_after_retirement_;
  mutable std::mutex mutex_;
  std::shared_ptr<const token::keyring> ring_;  // guarded by mutex_
  time_point last_reload_;                       // guarded by mutex_
};

}  // namespace cognate::pool
