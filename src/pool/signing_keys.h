#pragma once
// The pool's token-signing keys, kept sealed in the store and shared by every node.
//
// A new key (cognate keys rotate) is published first and signs only once it is `publish_delay`
// (60 s) old: every node reloads the keys every 30 s, so by then every node's JWKS lists it and no
// verifier meets a token signed by a key it could not fetch. The newest published key signs;
// older keys keep verifying (and stay in the JWKS) until every token they signed has expired:
// token lifetime + 5 minutes after they stopped signing. A node that meets a token signed by a
// key it does not know reloads at once (at most once a second). Safe for concurrent use.

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
  static constexpr std::chrono::seconds publish_delay{60};

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
