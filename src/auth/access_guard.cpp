#include "auth/access_guard.h"

#include "common/reasons.h"

namespace cognate::auth {

result<caller> access_guard::check(const pool::directory_snapshot& directory,
                                   std::string_view token) const {
  // The pool whose keys hold the token's kid (a small header to read); a key this node has not
  // loaded yet sends it by the token's issuer to the pool whose keys then reload.
  std::shared_ptr<const pool::pool_entry> pool;
  const auto kid = token::unverified_kid(token);
  for (const auto& p : directory.pools()) {
    if (p->keys->current()->has_kid(kid)) {
      pool = p;
      break;
    }
  }
  if (!pool) {
    pool = directory.pool_for_issuer(token::unverified_issuer(token));
  }
  if (!pool) {
    return fail(reason::invalid_access_token);
  }
  auto jwt = pool->keys->verify(token);
  if (!jwt) {
    return fail(reason::invalid_access_token);
  }
  ASSIGN_OR_RETURN(auto claims, token::read_access_claims(*jwt, pool->issuer, clock_.now()));
  return store::in_read(store_, [&](store::transaction& tx) -> result<caller> {
    ASSIGN_OR_RETURN(auto revoked, tx.tokens().family_revoked(pool->id, claims.origin_jti));
    if (revoked) {
      return fail(reason::access_token_revoked);
    }
    ASSIGN_OR_RETURN(auto account, tx.users().account_by_id(pool->id, claims.sub));
    if (!account) {
      return fail(reason::user_does_not_exist);
    }
    if (!account->user.enabled) {
      return fail(reason::user_disabled);
    }
    return caller{.pool = pool,
                  .user = std::move(account->user),
                  .factors = std::move(account->factors),
                  .claims = claims};
  });
}

}  // namespace cognate::auth
