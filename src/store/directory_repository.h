#pragma once
// User pools and their app clients, and the version number that tells every node when either
// changed (each write here raises it in the same transaction).

#include "common/clock.h"
#include "common/error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cognate::store {

struct pool_record {
  std::string id;  // "us-east-1_AbC123xyZ"
  std::string name;
  std::string settings_json;  // pool/settings_json.h
  std::string issuer;         // the tokens' "iss"; "" for <public URL>/<id>
  time_point created_at;
  time_point updated_at;
};

// What Cognito keeps per app client.
struct client_record {
  std::string id;  // 26 lower-case alphanumerics
  std::string pool_id;
  std::string name;
  std::vector<std::string> auth_flows;        // ExplicitAuthFlows, e.g. "ALLOW_USER_SRP_AUTH"
  std::int64_t access_token_validity = 3600;  // seconds
  std::int64_t id_token_validity = 3600;      // seconds
  std::int64_t refresh_token_validity = 30 * 86400;  // seconds
  std::int64_t auth_session_validity = 180;          // seconds a challenge Session lives
  std::vector<std::string> read_attributes;          // empty: every attribute
  std::vector<std::string> write_attributes;         // empty: every writable attribute
  std::string secret_sealed;                         // "" for a public client
  bool prevent_user_existence_errors = true;
  time_point created_at;
  time_point updated_at;
};

// Reached from a transaction (store.h); valid only inside it. Failures are errc::internal.
class directory_repository {
 public:
  virtual ~directory_repository() = default;
  // Every pool, oldest first.
  virtual result<std::vector<pool_record>> pools() = 0;
  virtual result<std::optional<pool_record>> find_pool(const std::string& pool_id) = 0;
  virtual result<void> insert_pool(const pool_record& p) = 0;
  virtual result<void> update_pool(const pool_record& p) = 0;
  // The pool's clients, oldest first.
  virtual result<std::vector<client_record>> clients(const std::string& pool_id) = 0;
  virtual result<std::optional<client_record>> find_client(const std::string& client_id) = 0;
  virtual result<void> insert_client(const client_record& c) = 0;
  virtual result<void> update_client(const client_record& c) = 0;
  virtual result<void> delete_client(const std::string& client_id) = 0;
  // The pool and everything in it: clients, users and their factors and codes, groups, Sessions,
  // refresh tokens, signing keys, mail not sent. Audit rows stay.
  virtual result<void> delete_pool(const std::string& pool_id) = 0;
  // Raised by every insert and update above; nodes compare it to know when to reload.
  virtual result<std::int64_t> version() = 0;
};

}  // namespace cognate::store
