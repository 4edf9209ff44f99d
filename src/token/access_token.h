#pragma once
// Reading an access token presented back to us (GetUser, GlobalSignOut, and every operation that
// takes an AccessToken): the claims Cognate relies on, after the signature was checked. What the
// store knows (revoked families, disabled users) is checked by the caller. Pure.

#include "common/clock.h"
#include "common/error.h"
#include "token/jws.h"

#include <string>
#include <string_view>

namespace cognate::token {

struct access_claims {
  std::string sub;
  std::string client_id;
  std::string origin_jti;
  time_point auth_time;
  time_point expires_at;
};

// The "iss" claim of a compact JWS, read without checking anything (to pick the pool whose keys
// then verify it); "" when it cannot be read.
std::string unverified_issuer(std::string_view token);

// The claims of a token whose signature `jwt` already verified: it must say token_use "access",
// come from `issuer` and not have expired at `now`. Failures: errc::not_authorized "Invalid Access
// Token", or "Access Token has expired".
result<access_claims> read_access_claims(const verified_jwt& jwt, std::string_view issuer,
                                         time_point now);

}  // namespace cognate::token
