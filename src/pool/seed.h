#pragma once
// Fills a pool with confirmed users fast, for benchmarks and load tests (`cognate seed`).
//
// User i (0-based) is `<prefix><i>@<domain>` with the given password, confirmed, email verified.
// With `totp`, SOFTWARE_TOKEN_MFA is enabled and preferred for each of them with the secret
// seed_totp_secret(email), which anyone can compute: seeded accounts are test accounts, never
// real ones. Users that already exist are skipped, so an interrupted run can be repeated.
// The SRP verifier (one 3072-bit modexp per user) dominates; `threads` threads compute them and
// insert in batches, one transaction per batch.

#include "common/encoding.h"
#include "crypto/sealer.h"
#include "store/store.h"

#include <cstdint>
#include <functional>
#include <string>

namespace cognate::pool {

struct seed_options {
  std::int64_t users = 0;
  std::string prefix = "user";
  std::string domain = "seed.example";
  std::string password = "Seed-Passw0rd!";
  bool totp = false;
  int threads = 2;
  int batch = 500;
};

struct seed_progress {
  std::int64_t done = 0;     // users handled (created or already there)
  std::int64_t created = 0;  // users inserted by this run
  std::int64_t total = 0;
};

// The email of seeded user `i`.
std::string seed_email(const seed_options& options, std::int64_t i);
// The TOTP secret (20 bytes) a seeded user gets with `totp`: HMAC-SHA256("cognate-seed-totp",
// lower-cased email), truncated. The load generator computes the same.
bytes seed_totp_secret(const std::string& email);

// Creates the users; `progress` is called from seeding threads (serialised) after each batch.
// Fails with the first store error; users committed before it stay.
result<seed_progress> seed_users(store::store& store, const crypto::sealer& sealer,
                                 const clock& clock, const std::string& pool_id,
                                 const seed_options& options,
                                 const std::function<void(const seed_progress&)>& progress);

}  // namespace cognate::pool
