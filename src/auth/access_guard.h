#pragma once
// The check every operation that takes an AccessToken runs once, before it does anything: the
// token's issuer names the pool, that pool's keys verify the signature, the claims say "access"
// and are not expired, its sign-in family is not revoked, and its user exists and is enabled.
// Blocks on one read of the store; safe for concurrent use.

#include "common/clock.h"
#include "common/error.h"
#include "pool/directory.h"
#include "store/store.h"
#include "token/access_token.h"

#include <memory>
#include <string_view>
#include <vector>

namespace cognate::auth {

// Who an accepted access token speaks for, as the store holds them now.
struct caller {
  std::shared_ptr<const pool::pool_entry> pool;
  store::user_record user;
  std::vector<store::factor_record> factors;
  token::access_claims claims;
};

class access_guard {
 public:
  access_guard(store::store& store, const clock& clock) : store_(store), clock_(clock) {}

  // Failures (errc::not_authorized): "Invalid Access Token" (unknown issuer, bad signature or
  // claims), "Access Token has expired", "Access Token has been revoked", "User does not exist.",
  // "User is disabled."; errc::internal when the store fails.
  result<caller> check(const pool::directory_snapshot& directory, std::string_view token) const;

 private:
  store::store& store_;
  const clock& clock_;
};

}  // namespace cognate::auth
