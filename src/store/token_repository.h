#pragma once
// Refresh tokens and the revocation of token families.

#include "common/clock.h"
#include "common/error.h"

#include <optional>
#include <string>

namespace cognate::store {

// A refresh token: opaque to clients, stored as a hash. Every token issued from one sign-in
// shares origin_jti (the family); revoking the family also revokes its access and ID tokens.
struct refresh_token_record {
  std::string token_hash;
  std::string pool_id;
  std::string user_id;
  std::string client_id;
  std::string origin_jti;
  time_point auth_time;
  time_point expires_at;
  bool revoked = false;
  time_point created_at;
};

// Reached from a transaction (store.h); valid only inside it. Failures are errc::internal.
class token_repository {
 public:
  virtual ~token_repository() = default;
  virtual result<void> insert(const refresh_token_record& r) = 0;
  virtual result<std::optional<refresh_token_record>> find(const std::string& pool_id,
                                                           const std::string& token_hash) = 0;
  // True when some token of the family was revoked (the whole family counts as revoked).
  virtual result<bool> family_revoked(const std::string& pool_id,
                                      const std::string& origin_jti) = 0;
  virtual result<void> revoke_family(const std::string& pool_id, const std::string& origin_jti) = 0;
  virtual result<void> revoke_user(const std::string& pool_id, const std::string& user_id) = 0;
  // Deletes every refresh token of the user (the user is being deleted).
  virtual result<void> remove_user(const std::string& pool_id, const std::string& user_id) = 0;

};

}  // namespace cognate::store
