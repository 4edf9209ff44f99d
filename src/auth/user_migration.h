#pragma once
// Lazy migration from a live Cognito pool — what Cognito's user-migration trigger is used for.
// When a name no user of the receiving pool has signs in with a password (USER_PASSWORD_AUTH or
// ADMIN_USER_PASSWORD_AUTH), sign_in asks the old pool to check that password with
// InitiateAuth USER_PASSWORD_AUTH through one of its app clients. Tokens, or an MFA challenge
// (which the old pool asks only after a right password), prove it; with tokens, GetUser tells the
// user's attributes. Anything else — a wrong password, a name the old pool does not have, a
// temporary password (NEW_PASSWORD_REQUIRED), a user not confirmed there, an answer that is not
// Cognito's, the old pool unreachable or slower than the timeout — is "not proven", and the
// sign-in answers exactly as for a name no user has. The old pool's tokens are dropped.
// Blocking (HTTP, at most `timeout` per call, two calls at most); thread-safe.

#include "pool/attributes.h"

#include <chrono>
#include <optional>
#include <string>

namespace cognate::auth {

struct migration_source {
  std::string endpoint;   // the old pool's API: https://cognito-idp.<region>.amazonaws.com/
  std::string pool_id;    // the old pool, for the audit trail
  std::string client_id;  // an app client of the old pool allowing USER_PASSWORD_AUTH, no secret
  std::string into_pool;  // the pool here that receives the users
  std::chrono::milliseconds timeout{5000};
};

// What the old pool proved of a name and password.
struct proven_user {
  // The user's attributes there (GetUser), when it gave tokens; empty after an MFA challenge.
  pool::attribute_map attributes;
  bool has_attributes = false;
  std::string answer;  // "tokens" or the challenge's name, for the audit trail
};

class user_migration {
 public:
  explicit user_migration(migration_source source);

  const migration_source& source() const { return source_; }
  // Whether the old pool accepts `password` for `username` (see above); nullopt when not.
  std::optional<proven_user> prove(const std::string& username, const std::string& password) const;

 private:
  migration_source source_;
};

}  // namespace cognate::auth
