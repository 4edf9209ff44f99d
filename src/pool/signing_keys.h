#pragma once
// The pool's token-signing keys, kept sealed in the store: created on first start (RSA 2048),
// loaded on every later one.

#include "common/clock.h"
#include "crypto/sealer.h"
#include "store/store.h"
#include "token/keyring.h"

namespace cognate::pool {

// Throws std::runtime_error if the store fails or a stored key cannot be opened (wrong master
// key) — start-up only.
token::keyring load_signing_keys(store::store& store, const crypto::sealer& sealer,
                                 const std::string& pool_id, const clock& clock);

}  // namespace cognate::pool
