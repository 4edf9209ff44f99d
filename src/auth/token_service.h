#pragma once
// The tokens of a sign-in and what happens to them afterwards: minting the ID and access tokens
// (token/issuer.h) with an opaque refresh token whose hash is stored, refreshing, revoking a
// family (RevokeToken) or all of a user's (GlobalSignOut). Lifetimes are the app client's.
// Blocks on the store and on RSA signing; safe for concurrent use.

#include "auth/access_guard.h"
#include "common/clock.h"
#include "common/error.h"
#include "pool/directory.h"
#include "store/store.h"

#include <optional>
#include <string>

namespace cognate::auth {

struct token_set {
  std::string access_token;
  std::string id_token;
  std::string refresh_token;  // empty on refresh
  int expires_in = 3600;
};

// A sign-in's tokens, minted but not stored yet: store() them in the step's transaction.
struct minted_tokens {
  token_set tokens;
  store::refresh_token_record refresh;
};

// How a refresh proves its client's secret (auth/client_secret.h); nothing to prove without one.
struct refresh_proof {
  bool proven_by_client_secret = false;  // ClientSecret was checked by the caller
  std::optional<std::string> secret_hash;  // else: REFRESH_TOKEN_AUTH's SECRET_HASH
};

class token_service {
 public:
  token_service(store::store& store, const clock& clock) : store_(store), clock_(clock) {}

  // Tokens for a completed sign-in of `user` through `client` (two RSA signatures; no store).
  minted_tokens mint(const pool::client_entry& client, const store::user_record& user) const;
  // Inside `tx`: stores the refresh token (the sign-in writes its own audit event).
  result<void> store(store::transaction& tx, const minted_tokens& m) const;

  // REFRESH_TOKEN_AUTH / GetTokensFromRefreshToken: new access and ID tokens of the same family
  // and auth_time. Failures (errc::not_authorized): "Invalid Refresh Token" (unknown, or another
  // client's), "Refresh Token has been revoked", "…has expired", "User is disabled.".
  // `proof`, for a client with a secret: REFRESH_TOKEN_AUTH's SECRET_HASH, checked here over the
  // token's user's user name (Cognito's rule) as soon as the token's row is read; or
  // proven_by_client_secret when the caller checked ClientSecret (GetTokensFromRefreshToken).
  // Failure: client_secret_missing / client_secret_mismatch.
  result<token_set> refresh(const pool::client_entry& client, const std::string& refresh_token,
                            const refresh_proof& proof) const;

  // RevokeToken: revokes the refresh token's family (unknown tokens: nothing to do). Failures:
  // unsupported_token_type for a JWT, unauthorized for another client's token.
  result<void> revoke(const pool::client_entry& client, const std::string& token) const;
  // GlobalSignOut: revokes every family of the caller.
  result<void> sign_out_everywhere(const caller& who) const;

 private:
  token_set issue(const pool::client_entry& client, const store::user_record& user,
                  const std::string& origin_jti, time_point auth_time) const;

  store::store& store_;
  const clock& clock_;
};

}  // namespace cognate::auth
