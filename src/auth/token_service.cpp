#include "auth/token_service.h"

#include "auth/client_secret.h"
#include "auth/handles.h"
#include "common/random.h"
#include "common/reasons.h"
#include "pool/attributes.h"
#include "token/issuer.h"

#include <boost/json.hpp>

#include <algorithm>

namespace cognate::auth {

token_set token_service::issue(const pool::client_entry& client, const store::user_record& user,
                               const std::string& origin_jti, time_point auth_time) const {
  const auto& c = client.record;
  auto issued = token::issue_tokens(
      *client.pool->keys->current(), client.pool->issuer,
      token::token_subject{.sub = user.id,
                           .attributes = pool::attributes_from_json(user.attributes_json),
                           .client_id = c.id,
                           .origin_jti = origin_jti,
                           .groups = user.groups,
                           .auth_time = auth_time},

      token::token_lifetimes{.access = std::chrono::seconds(c.access_token_validity),
                             .id = std::chrono::seconds(c.id_token_validity)},
      clock_.now());
  return token_set{.access_token = std::move(issued.access_token),
                   .id_token = std::move(issued.id_token),
                   .expires_in = static_cast<int>(issued.expires_in.count())};
}

minted_tokens token_service::mint(const pool::client_entry& client,
                                  const store::user_record& user) const {
  const auto now = clock_.now();
  const std::string origin_jti = random_uuid();
  auto tokens = issue(client, user, origin_jti, now);
  tokens.refresh_token = new_handle("cr");
  store::refresh_token_record row{
      .token_hash = handle_hash(tokens.refresh_token),
      .pool_id = client.pool->id,
      .user_id = user.id,
      .client_id = client.record.id,
      .origin_jti = origin_jti,
      .auth_time = now,
      .expires_at = now + std::chrono::seconds(client.record.refresh_token_validity),
      .created_at = now};
  return minted_tokens{std::move(tokens), std::move(row)};
}

result<void> token_service::store(store::transaction& tx, const minted_tokens& m) const {
  return tx.tokens().insert(m.refresh);
}

result<token_set> token_service::refresh(const pool::client_entry& client,
                                         const std::string& refresh_token,
                                         const refresh_proof& proof) const {
  if (refresh_token.empty()) {
    return fail(reason::missing_auth_parameter, "REFRESH_TOKEN");
  }
  const auto& pool_id = client.pool->id;
  const auto now = clock_.now();
  struct found {
    store::refresh_token_record row;
    store::user_record user;
  };
  ASSIGN_OR_RETURN(auto f, store::in_read(store_, [&](store::transaction& tx) -> result<found> {
                     ASSIGN_OR_RETURN(auto row,
                                      tx.tokens().find(pool_id, handle_hash(refresh_token)));
                     if (!row || row->client_id != client.record.id) {
                       return fail(reason::invalid_refresh_token);
                     }
                     // Before anything else about the token is told.
                     if (!proof.proven_by_client_secret) {
                       RETURN_IF_ERROR(check_secret_hash(client, row->user_id, proof.secret_hash));
                     }
                     if (row->revoked) {
                       return fail(reason::refresh_token_revoked);
                     }
                     if (now >= row->expires_at) {
                       return fail(reason::refresh_token_expired);
                     }
                     ASSIGN_OR_RETURN(auto user, tx.users().find_by_id(pool_id, row->user_id));
                     if (!user) {
                       return fail(reason::user_does_not_exist);
                     }
                     return found{std::move(*row), std::move(*user)};
                   }));
  if (!f.user.enabled) {
    return fail(reason::user_disabled);
  }
  return issue(client, f.user, f.row.origin_jti, f.row.auth_time);

}

result<void> token_service::revoke(const pool::client_entry& client,
                                   const std::string& token) const {
  if (std::count(token.begin(), token.end(), '.') == 2) {
    return fail(reason::token_type_unsupported);
  }
  const auto& pool_id = client.pool->id;
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto found, tx.tokens().find(pool_id, handle_hash(token)));
    if (!found) {
      return {};  // unknown or already gone: nothing to revoke
    }
    if (found->client_id != client.record.id) {
      return fail(reason::token_not_for_client);
    }
    if (found->revoked) {
      return {};  // revoked before: nothing changes
    }
    RETURN_IF_ERROR(tx.tokens().revoke_family(pool_id, found->origin_jti));
    return tx.audit().append({.pool_id = pool_id,
                              .user_id = found->user_id,
                              .event = "revoke_token",
                              .detail = boost::json::serialize(
                                  boost::json::object{{"client", client.record.id}}),
                              .at = clock_.now()});
  });
}

result<void> token_service::sign_out_everywhere(const caller& who) const {
  const auto& pool_id = who.pool->id;
  const auto& user_id = who.user.id;
  return store_.transact([&](store::transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.tokens().revoke_user(pool_id, user_id));
    return tx.audit().append({.pool_id = pool_id,
                              .user_id = user_id,
                              .event = "global_sign_out",
                              .detail = "{}",
                              .at = clock_.now()});
  });
}

}  // namespace cognate::auth
